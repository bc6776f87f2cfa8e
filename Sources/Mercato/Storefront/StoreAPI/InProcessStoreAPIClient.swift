import Foundation

/// The Store API without the network, for `--role all`: the same calls the API routes make, through
/// the same catalogue cache (same keys), with the same errors (a missing product is
/// `Abort(.notFound)` either way).
struct InProcessStoreAPIClient: StoreAPIClient {
    let catalog: CatalogService
    let cache: CatalogCache

    func products(_ query: CatalogQuery) async throws -> CatalogDTO.ProductPage {
        try await cached("list:\(query.cacheKey)", query.cacheScope) { try await catalog.list(query) }
    }

    func search(_ query: CatalogQuery) async throws -> CatalogDTO.ProductPage {
        // `/api/v1/search` always counts facets; the in-process path answers identically.
        var query = query
        query.includeFacets = true
        return try await cached("list:\(query.cacheKey)", query.cacheScope) { try await catalog.list(query) }
    }

    func product(slug: String) async throws -> CatalogDTO.ProductDetail {
        try await cached("product:\(slug)", .product(slug: slug)) { try await catalog.product(slug: slug) }
    }

    func categoryTree() async throws -> CatalogDTO.CategoryTree {
        try await cached("categories", .catalogue) { try await catalog.categoryTree() }
    }

    private func cached<Value: Codable>(
        _ key: String, _ scope: CatalogCache.Scope, _ produce: () async throws -> Value
    ) async throws -> Value {
        try JSONDecoder().decode(Value.self, from: try await cache.json(key, scope: scope, produce: produce))
    }
}
