import Fluent
import Foundation
import Logging
import Testing
import Vapor

@testable import Mercato

/// With a search engine that answers whole searches only (a remote one, which can't list its text
/// matches), a search's facet counts read its whole result; sorts and pages of one search share
/// them. (With the database engine, listings and searches count theirs in process:
/// `ListingIndexTests`, `IndexedSearchTests`.)
@Suite(.serialized) struct FacetSharingTests {
    /// The database engine seen only through `SearchEngine`, as a remote engine would be.
    struct WholeSearchesOnly: SearchEngine {
        let engine = DatabaseSearchEngine()

        func search(_ query: CatalogQuery, categoryIDs: [UUID]?, on database: any Database) async throws -> SearchHits {
            try await engine.search(query, categoryIDs: categoryIDs, on: database)
        }

        func suggest(_ prefix: String, limit: Int, on database: any Database) async throws -> [UUID] {
            try await engine.suggest(prefix, limit: limit, on: database)
        }

        func index(productIDs: [UUID], on database: any Database) async throws {
            try await engine.index(productIDs: productIDs, on: database)
        }

        func rebuild(on database: any Database, progress: @Sendable (Int, Int) -> Void) async throws {
            try await engine.rebuild(on: database, progress: progress)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func everySortAndPageOfOneFilterSharesItsFacets(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, ProductDetailRoundTripTests.catalogue) { app in
            // setup: the first sort of a search in shoes counted its facets
            let catalog = CatalogService(
                database: app.db, search: WholeSearchesOnly(), storage: app.objectStorage, cache: app.catalogCache)
            let first = try await catalog.list(
                try CatalogQuery(parameters: ["q": "fine", "category": "shoes", "facets": "true", "sort": "newest"]))
            let log = QueryPlanTests.StatementLog()
            app.logger = Logger(label: "statements") { _ in log }
            let counted = CatalogService(
                database: app.db, search: WholeSearchesOnly(), storage: app.objectStorage, cache: app.catalogCache)
            // act: another sort and another page size of the same filter, and a different filter
            let byPrice = try await counted.list(
                try CatalogQuery(parameters: [
                    "q": "fine", "category": "shoes", "facets": "true", "sort": "price_asc", "pageSize": "1",
                ]))
            let sharedStatements = log.all
            let boots = try await counted.list(
                try CatalogQuery(parameters: ["q": "fine", "category": "boots", "facets": "true"]))
            app.logger = Logger(label: "tests")
            // verify: the same facets without reading the options again; a new filter counts its own
            #expect(byPrice.facets == first.facets)
            #expect(byPrice.items.map(\.slug) == ["court-sneakers"])
            #expect(!sharedStatements.contains { $0.contains("variant_options") }, "\(sharedStatements)")
            #expect(boots.facets?.categories.map(\.value) == ["boots"])
        }
    }
}
