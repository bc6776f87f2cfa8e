import Vapor

/// `GET /`: featured products (or the newest, until something is featured) and the top categories.
enum HomePage {
    struct Context: Encodable {
        var title: String
        var shopName: String
        /// "Featured" or "New arrivals".
        var productsHeading: String
        var products: [ProductCard]
        var categories: [CategoryCard]
    }

    /// A top-level category with its direct children.
    struct CategoryCard: Encodable {
        var name: String
        var url: String
        var children: [Breadcrumb]
    }

    static let productCount = 8

    static func show(req: Request) async throws -> Response {
        let api = req.storeAPI
        var query = CatalogQuery()
        query.featuredOnly = true
        query.sort = .newest
        query.pageSize = productCount
        var heading = "Featured"
        var products = try await api.products(query).items
        if products.isEmpty {
            query.featuredOnly = false
            heading = "New arrivals"
            products = try await api.products(query).items
        }
        let categories = try await api.categoryTree().categories.map { node in
            CategoryCard(
                name: node.name, url: SiteURL.category(slug: node.slug).path,
                children: node.children.map { Breadcrumb(name: $0.name, url: SiteURL.category(slug: $0.slug).path) })
        }
        let context = Context(
            title: "Welcome", shopName: "Mercato", productsHeading: heading, products: products.map(ProductCard.init),
            categories: categories)
        // Private: `#feature` answers per visitor (percentage rollouts), so a CDN must not share it.
        return try await req.renderPage("home", context, audience: .private)
    }
}
