import Testing

@testable import Mercato

@Suite struct CatalogQueryCacheKeyTests {
    /// Listings that differ in anything must never share a cache entry.
    @Test func everyFilterChangesTheKey() throws {
        let base = try CatalogQuery(parameters: [:])
        let variants = try [
            ["q": "boots"], ["category": "shoes"], ["brand": "Acme"], ["minPrice": "100"], ["maxPrice": "900"],
            ["options": "size:M"], ["inStock": "true"], ["featured": "true"], ["sort": "title"], ["page": "2"],
            ["pageSize": "5"], ["facets": "true"],
        ].map { try CatalogQuery(parameters: $0).cacheKey }
        #expect(!variants.contains(base.cacheKey))
        #expect(Set(variants).count == variants.count)
        // A new stored property must be added to `cacheKey` (and to the list above) before this passes.
        #expect(Mirror(reflecting: base).children.count == 12)
    }

    @Test func equivalentListingsShareTheKey() throws {
        let first = try CatalogQuery(parameters: ["options": "size:M,colour:Red", "brand": "B,A", "q": "Red  Boots"])
        let second = try CatalogQuery(parameters: ["options": "colour:Red,size:M", "brand": "A,B", "q": "red boots"])
        #expect(first.cacheKey == second.cacheKey)
    }
}
