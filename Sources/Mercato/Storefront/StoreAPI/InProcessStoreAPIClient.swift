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

    /// A hit is decoded from the cache; a miss returns the value it computed, stored for the API
    /// and other instances but not decoded back (a page read from a cold cache would otherwise
    /// pay for JSON both ways).
    private func cached<Value: Codable>(
        _ key: String, _ scope: CatalogCache.Scope, _ produce: () async throws -> Value
    ) async throws -> Value {
        let entry = try await cache.lookup(key, scope: scope)
        if let hit = entry.hit { return try JSONDecoder().decode(Value.self, from: hit) }
        let value = try await entry.produce(produce)
        try await entry.store(try JSONEncoder.api.encode(value))
        return value
    }
}
