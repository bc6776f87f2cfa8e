import Vapor

/// A page of product cards with its filters, result count and page links: the shared body of the
/// category and search pages.
struct ProductListing: Encodable, Sendable {
    var products: [ProductCard]
    /// "Showing 25–48 of 57 products"
    var summary: String
    var filters: FilterPanel
    var pagination: Pagination?

    /// - Throws: 404 for a page number past the last page (a stale or invented link).
    init(
        page: CatalogDTO.ProductPage, base: SiteURL, parameters: ListingParameters,
        keep: [(name: String, value: String)], offersRelevance: Bool
    ) throws {
        guard page.page <= max(1, page.totalPages) else {
            throw Abort(
                .notFound,
                reason: "there is no page \(page.page) here; the last page is \(max(1, page.totalPages))")
        }
        products = page.items.map(ProductCard.init)
        let first = (page.page - 1) * page.pageSize + 1
        summary =
            switch page.total {
            case 0: "No products found."
            case 1: "1 product"
            default:
                page.totalPages > 1
                    ? "Showing \(first)–\(first + page.items.count - 1) of \(page.total) products"
                    : "\(page.total) products"
            }
        filters = FilterPanel(
            base: base, parameters: parameters, facets: page.facets,
            currency: page.items.first?.price.currency ?? "EUR", keep: keep, offersRelevance: offersRelevance)
        pagination = Pagination(current: page.page, totalPages: page.totalPages) { number in
            base.with(query: parameters.queryItems(page: number))
        }
    }
}

extension CatalogDTO.CategoryTree {
    /// The categories from a root down to the one with `slug`, or nil when there is none.
    func path(to slug: String) -> [CatalogDTO.CategoryNode]? {
        func search(_ nodes: [CatalogDTO.CategoryNode]) -> [CatalogDTO.CategoryNode]? {
            for node in nodes {
                if node.slug == slug { return [node] }
                if let below = search(node.children) { return [node] + below }
            }
            return nil
        }
        return search(categories)
    }
}
