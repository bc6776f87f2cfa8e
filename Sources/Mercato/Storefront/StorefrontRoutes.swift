import Vapor

/// The server-rendered shop. Every path comes from `SiteURL.Route`, the same source links use.
struct StorefrontRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.Route.home.pathComponents, use: HomePage.show)
        routes.get(SiteURL.Route.category.pathComponents) { try await PublicPageCache.serve($0, CategoryPage.show) }
        routes.get(SiteURL.Route.product.pathComponents) { try await PublicPageCache.serve($0, ProductPage.show) }
        routes.get(SiteURL.Route.search.pathComponents) { try await PublicPageCache.serve($0, SearchPage.show) }
        try routes.register(collection: StaticAssetRoutes())
    }
}
