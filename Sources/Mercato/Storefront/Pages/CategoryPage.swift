import Vapor

/// `GET /c/:slug`: a category and everything below it, with filters, sort and pages.
enum CategoryPage {
    struct Context: Encodable {
        var title: String
        var breadcrumbs: [Breadcrumb]
        var subcategories: [Breadcrumb]
        var listing: ProductListing
    }

    static func show(req: Request) async throws -> Response {
        let slug = try req.parameters.require("slug")
        // The category comes from the path; text search belongs to the search page.
        var parameters = req.listingParameters
        parameters.category = nil
        parameters.text = nil
        // Validate before any call: bad input is a 400 whatever the catalogue holds.
        let query = try parameters.catalogQuery(categorySlug: slug)
        let api = req.storeAPI
        guard let path = try await api.categoryTree().path(to: slug), let category = path.last else {
            throw Abort(.notFound, reason: "there is no category '\(slug)' in this shop")
        }
        let page = try await api.products(query)
        let context = Context(
            title: category.name,
            breadcrumbs: [Breadcrumb(name: "Home", url: SiteURL.home.path)]
                + path.dropLast().map { Breadcrumb(name: $0.name, url: SiteURL.category(slug: $0.slug).path) }
                + [Breadcrumb(name: category.name, url: nil)],
            subcategories: category.children.map {
                Breadcrumb(name: $0.name, url: SiteURL.category(slug: $0.slug).path)
            },
            listing: try ProductListing(
                page: page, base: .category(slug: slug), parameters: parameters, keep: [],
                offersRelevance: false))
        return try await req.renderPage("category", context)
    }
}
