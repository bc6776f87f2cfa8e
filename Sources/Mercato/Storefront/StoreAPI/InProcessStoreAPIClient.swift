/// The Store API without the network, for `--role all`: the same calls the API routes make, with
/// the same errors (a missing product is `Abort(.notFound)` either way).
struct InProcessStoreAPIClient: StoreAPIClient {
    let catalog: CatalogService

    func products(_ query: CatalogQuery) async throws -> CatalogDTO.ProductPage {
        try await catalog.list(query)
    }

    func search(_ query: CatalogQuery) async throws -> CatalogDTO.ProductPage {
        // `/api/v1/search` always counts facets; the in-process path answers identically.
        var query = query
        query.includeFacets = true
        return try await catalog.list(query)
    }

    func product(slug: String) async throws -> CatalogDTO.ProductDetail {
        try await catalog.product(slug: slug)
    }

    func categoryTree() async throws -> CatalogDTO.CategoryTree {
        try await catalog.categoryTree()
    }
}
