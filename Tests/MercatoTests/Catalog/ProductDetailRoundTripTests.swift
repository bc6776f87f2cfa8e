import Fluent
import Foundation
import Logging
import Testing
import Vapor

@testable import Mercato

/// A product page's read costs the same number of round trips whatever the product has: the
/// product row, then its variants, options, stock and images in one statement.
@Suite(.serialized) struct ProductDetailRoundTripTests {
    static let catalogue = [
        CatalogFixtures.product("Court Sneakers", category: "sneakers", price: 7_500, stock: 2),
        CatalogFixtures.product("Trail Boot", category: "boots", price: 12_000, stock: 0),
    ]

    @Test(arguments: DatabaseBackend.available)
    func aProductDetailIsTwoStatements(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: the category tree already held, every statement kept
            let catalog = CatalogService(
                database: app.db, search: app.searchEngine, storage: app.objectStorage, cache: app.catalogCache)
            _ = try await catalog.categoryTree()
            let log = QueryPlanTests.StatementLog()
            app.logger = Logger(label: "statements") { _ in log }
            let counted = CatalogService(
                database: app.db, search: app.searchEngine, storage: app.objectStorage, cache: app.catalogCache)
            // act
            let sneakers = try await counted.product(slug: "court-sneakers")
            let boot = try await counted.product(slug: "trail-boot")
            app.logger = Logger(label: "tests")
            // verify: two statements each, and the page has what it shows
            #expect(log.all.count == 4, "\(log.all)")
            #expect(sneakers.variants.map(\.stock) == [CatalogDTO.Stock(status: .lowStock, available: 2)])
            #expect(sneakers.variants.first?.options == ["size": "42"])
            #expect(sneakers.breadcrumbs.map(\.slug) == ["shoes", "sneakers"])
            #expect(sneakers.inStock)
            #expect(boot.variants.map(\.stock.status) == [.outOfStock])
            #expect(!boot.inStock)
        }
    }
}
