import Fluent
import Foundation
import Logging
import SQLKit
import Testing
import Vapor

@testable import Mercato

/// Listings without search text are answered from the in-process `ListingIndex`: the same page,
/// total and facets the database's statement gives, kept current by catalogue and stock changes.
@Suite(.serialized) struct ListingIndexTests {
    /// A demo catalogue with drafts, products without a category and sold-out products.
    /// - Parameter suite: names the suite's own database (the caller's file).
    static func withDemoCatalogue(
        on backend: DatabaseBackend, suite: String = #fileID, _ body: (Application) async throws -> Void
    ) async throws {
        try await TestSupport.withApp(try await backend.settings(suite: suite), migrate: false) { app in
            try await app.autoRevert()
            try await app.autoMigrate()
            _ = try await DemoCatalogSeeder(
                database: app.db, search: app.searchEngine, storage: app.objectStorage, seed: 11
            ).run(products: 300)
            let sql = try app.db.sql
            let ids = try await sql.raw("SELECT id FROM products ORDER BY slug").all().map {
                try $0.decode(column: "id", as: UUID.self)
            }
            try await sql.raw("UPDATE products SET status = 'draft' WHERE id IN (\(binds: Array(ids.prefix(9))))").run()
            try await sql.raw(
                "UPDATE products SET category_id = NULL WHERE id IN (\(binds: Array(ids.dropFirst(9).prefix(6))))"
            ).run()
            try await body(app)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func answersEveryListingAsTheDatabaseStatementDoes(on backend: DatabaseBackend) async throws {
        try await Self.withDemoCatalogue(on: backend) { app in
            // setup: what the catalogue offers to filter on
            let categories = try await CategoryIndex.load(from: app.db.sql)
            let everything = try await DatabaseSearchEngine().search(
                CatalogQuery(includeFacets: true), categoryIDs: nil, on: app.db)
            let facets = try #require(everything.facets)
            #expect(everything.total == 291)
            let index = try await app.catalogCache.listingIndex(from: app.db.sql)
            var random = SeededRandom(seed: 5)
            for round in 0..<160 {
                // act: a random listing, answered by the database and by the index
                let query = Self.randomQuery(facets: facets, using: &random)
                let categoryIDs = query.categorySlug.flatMap { categories.node(slug: $0) }.map {
                    categories.subtreeIDs(of: $0.id)
                }
                let expected = try await DatabaseSearchEngine().search(query, categoryIDs: categoryIDs, on: app.db)
                let answered = index.hits(for: query, categoryIDs: categoryIDs)
                // verify: the same products in the same order, the same total and facets
                #expect(answered == expected, "round \(round): \(query.cacheKey)")
            }
        }
    }

    /// Filters drawn from the catalogue's own facets (and now and then a value it doesn't hold).
    static func randomQuery(facets: CatalogDTO.Facets, using random: inout SeededRandom) -> CatalogQuery {
        var query = CatalogQuery()
        query.includeFacets = Bool.random(using: &random)
        query.sort = CatalogQuery.Sort.allCases.randomElement(using: &random) ?? .newest
        query.pageSize = [1, 5, 24].randomElement(using: &random) ?? 24
        query.page = Int.random(in: 1...4, using: &random)
        if Bool.random(using: &random) { query.categorySlug = facets.categories.randomElement(using: &random)?.value }
        if Int.random(in: 0..<3, using: &random) == 0 {
            query.brands = (0..<Int.random(in: 1...2, using: &random)).compactMap { _ in
                facets.brands.randomElement(using: &random)?.value
            }
            if Int.random(in: 0..<5, using: &random) == 0 { query.brands.append("No Such Brand") }
        }
        if Int.random(in: 0..<3, using: &random) == 0, let option = facets.options.randomElement(using: &random) {
            query.options[option.name] = (0..<Int.random(in: 1...2, using: &random)).compactMap { _ in
                option.values.randomElement(using: &random)?.value
            }
        }
        if Int.random(in: 0..<4, using: &random) == 0 {
            query.minPrice = Int64.random(in: 0...8_000, using: &random)
            query.maxPrice = (query.minPrice ?? 0) + Int64.random(in: 0...20_000, using: &random)
        }
        query.inStockOnly = Int.random(in: 0..<3, using: &random) == 0
        query.featuredOnly = Int.random(in: 0..<6, using: &random) == 0
        return query
    }

    @Test(arguments: DatabaseBackend.available)
    func aHeldListingReadsOnlyItsProductCards(on backend: DatabaseBackend) async throws {
        try await Self.withDemoCatalogue(on: backend) { app in
            // setup: the index is loaded by a first listing
            let query = try CatalogQuery(parameters: ["category": "clothing", "facets": "true", "sort": "price_asc"])
            _ = try await Self.catalog(app).list(query)
            let log = QueryPlanTests.StatementLog()
            app.logger = Logger(label: "statements") { _ in log }
            // act: another sort, page and filter of the same catalogue
            let page = try await Self.catalog(app).list(
                try CatalogQuery(parameters: ["category": "clothing", "facets": "true", "page": "2", "inStock": "true"])
            )
            app.logger = Logger(label: "tests")
            // verify: one statement, for the 24 cards; the page and its facets are there
            #expect(log.all.count == 1, "\(log.all)")
            #expect(page.items.count == 24)
            #expect(page.items.allSatisfy { $0.inStock })
            #expect(page.facets?.categories.isEmpty == false)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func catalogueWritesAndSellOutsShowInTheNextListing(on backend: DatabaseBackend) async throws {
        try await Self.withDemoCatalogue(on: backend) { app in
            // setup: the cheapest product in stock, as the index first saw it
            let inStock = try CatalogQuery(parameters: ["sort": "price_asc", "inStock": "true", "pageSize": "1"])
            let cheapest = try #require(try await Self.catalog(app).list(inStock).items.first)
            let sql = try app.db.sql
            // act: it sells out (every variant reserved), as checkout reports it
            try await sql.raw(
                "UPDATE inventory_levels SET reserved = on_hand WHERE product_id = \(bind: cheapest.id)"
            ).run()
            try await app.catalogCache.stockChanged(slugs: [cheapest.slug], availabilityCrossedZero: true)
            let afterSellOut = try await Self.catalog(app).list(inStock).items.first
            // act: a catalogue write makes another product the cheapest of all
            let dearest = try #require(
                try await Self.catalog(app).list(try CatalogQuery(parameters: ["sort": "price_desc", "pageSize": "1"]))
                    .items.first)
            try await sql.raw("UPDATE products SET price_min = 1 WHERE id = \(bind: dearest.id)").run()
            try await app.catalogCache.invalidate()
            let afterWrite = try await Self.catalog(app).list(
                try CatalogQuery(parameters: ["sort": "price_asc", "pageSize": "1"]))
            // verify: the sold-out product left the in-stock listing; the repriced one leads
            #expect(afterSellOut.map(\.id) != cheapest.id)
            #expect(afterSellOut.map { $0.price.amount >= cheapest.price.amount } == true)
            #expect(afterWrite.items.first?.id == dearest.id)
            #expect(afterWrite.items.first?.price.amount == 1)
        }
    }

    static func catalog(_ app: Application) -> CatalogService {
        CatalogService(database: app.db, search: app.searchEngine, storage: app.objectStorage, cache: app.catalogCache)
    }
}
