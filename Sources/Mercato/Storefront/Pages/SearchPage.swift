import Vapor

/// `GET /search?q=`: text search with facets, typo tolerance ("showing results for") and an
/// empty-result page that offers a way on.
enum SearchPage {
    struct Context: Encodable {
        var title: String
        var searchQuery: String
        /// Set when nothing matched the words as typed and a corrected query found products.
        var correctedQuery: String?
        var listing: ProductListing?
        /// Top categories, offered when the search found nothing.
        var categories: [Breadcrumb]
    }

    static func show(req: Request) async throws -> Response {
        let parameters = req.listingParameters
        let query = try parameters.catalogQuery(categorySlug: parameters.category)
        let api = req.storeAPI
        guard let text = parameters.text else {
            let context = Context(
                title: "Search", searchQuery: "", correctedQuery: nil, listing: nil,
                categories: try await topCategories(api))
            return try await req.renderPage("search", context)
        }
        let page = try await api.search(query)
        let keep = [("q", text)] + (parameters.category.map { [("category", $0)] } ?? [])
        let listing = try ProductListing(
            page: page, base: .search, parameters: parameters, keep: keep.map { (name: $0.0, value: $0.1) },
            offersRelevance: true)
        let context = Context(
            title: "Search results for “\(text)”", searchQuery: text, correctedQuery: page.correctedQuery,
            listing: listing, categories: page.total == 0 ? try await topCategories(api) : [])
        return try await req.renderPage("search", context)
    }

    private static func topCategories(_ api: any StoreAPIClient) async throws -> [Breadcrumb] {
        try await api.categoryTree().categories.map {
            Breadcrumb(name: $0.name, url: SiteURL.category(slug: $0.slug).path)
        }
    }
}
