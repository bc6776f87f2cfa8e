import Fluent
import Foundation
import Logging
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Relevance as a shopper sees it, on SQLite FTS5 and on PostgreSQL tsvector + pg_trgm.
@Suite(.serialized) struct SearchRelevanceTests {
    static let catalogue = [
        CatalogFixtures.product("Trail Sneakers", description: "Grippy soles.", category: "sneakers", price: 8_900),
        CatalogFixtures.product(
            "Running Shoe", description: "Lighter than most sneakers on the market.", category: "sneakers", price: 6_900
        ),
        CatalogFixtures.product(
            "Leather Boots", description: "Waxed hide, welted soles.", category: "boots", price: 15_900, stock: 0),
        CatalogFixtures.product(
            "Phone Case for iPhone", description: "Slim case.", brand: "Cover", category: "clothing", price: 1_900),
        CatalogFixtures.product(
            "Trail Running Jacket", description: "Packable.", brand: "Fjell", category: "t-shirts", price: 12_000),
    ]

    private func titles(_ app: Application, _ query: String) async throws -> (
        titles: [String], page: CatalogDTO.ProductPage
    ) {
        var result: CatalogDTO.ProductPage?
        try await app.testing().test(.GET, "/api/v1/search?\(query)") { response in
            #expect(response.status == .ok)
            result = try response.content.decode(CatalogDTO.ProductPage.self)
        }
        let page = try #require(result)
        return (page.items.map(\.title), page)
    }

    @Test(arguments: DatabaseBackend.available) func exactTitleBeatsDescriptionMatch(backend: DatabaseBackend)
        async throws
    {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            let (titles, _) = try await self.titles(app, "q=sneakers")
            #expect(titles == ["Trail Sneakers", "Running Shoe"])
        }
    }

    @Test(arguments: DatabaseBackend.available) func misspelledQueriesStillFind(backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            let sneakers = try await self.titles(app, "q=sneakres")
            #expect(sneakers.titles.first == "Trail Sneakers")
            #expect(sneakers.page.correctedQuery == "sneakers")
            let phone = try await self.titles(app, "q=iphnoe")
            #expect(phone.titles == ["Phone Case for iPhone"])
            #expect(phone.page.correctedQuery == "iphone")
        }
    }

    @Test(arguments: DatabaseBackend.available) func shortWordsWithOneWrongLetterAreCorrected(
        backend: DatabaseBackend
    ) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // act: a letter changed, dropped, or added in a four- to seven-letter word
            let boats = try await self.titles(app, "q=boats")
            let lether = try await self.titles(app, "q=lether%20boots")
            let jackt = try await self.titles(app, "q=jackt")
            // verify
            #expect(boats.page.correctedQuery == "boots")
            #expect(boats.titles == ["Leather Boots"])
            #expect(lether.page.correctedQuery == "leather boots")
            #expect(jackt.titles == ["Trail Running Jacket"])
        }
    }

    @Test(arguments: DatabaseBackend.available) func typoCandidatesComeFromAnIndexNotTheWholeVocabulary(
        backend: DatabaseBackend
    ) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: a large vocabulary of words as long as the misspelling
            let letters = Array("abcdefghijklmnopqrstuvwxyz")
            var generator = SystemRandomNumberGenerator()
            let words = (0..<3_000).map { _ in String((0..<8).map { _ in letters.randomElement(using: &generator)! }) }
            for chunk in words.chunked(into: 500) {
                let rows = chunk.map { word -> SQLQueryString in "(\(bind: word))" }.joined(separator: ", ")
                try await app.db.sql.raw("INSERT INTO search_terms (term) VALUES \(rows) ON CONFLICT DO NOTHING").run()
            }
            let match: any TextMatch = app.db.isPostgres ? PostgresTextMatch() : SQLiteTextMatch()
            let log = QueryPlanTests.StatementLog()
            app.logger = Logger(label: "statements") { _ in log }
            // act
            let candidates = try await match.candidates(for: "sneakres", on: app.db.sql)
            app.logger = Logger(label: "tests")
            let plan = try await Self.plan(of: try #require(log.all.last), on: app.db)
            // verify: a short list, with the word meant near the top, found through the trigram index
            #expect(candidates.count <= 30)
            #expect(candidates.prefix(5).contains("sneakers"))
            #expect(plan.contains(app.db.isPostgres ? "idx_search_terms_trgm_gist" : "search_term_trigrams"), "\(plan)")
            #expect(!plan.contains("Seq Scan") && !plan.contains("SCAN search_terms"), "\(plan)")
        }
    }

    @Test(arguments: DatabaseBackend.available) func aSearchMatchesItsTextOnceForPageCountAndFacets(
        backend: DatabaseBackend
    ) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: every statement the catalogue runs, kept
            let log = QueryPlanTests.StatementLog()
            app.logger = Logger(label: "statements") { _ in log }
            let catalog = CatalogService(database: app.db, search: app.searchEngine, storage: app.objectStorage)
            // act: a search page's read, with facets
            let page = try await catalog.list(try CatalogQuery(parameters: ["q": "trail", "facets": "true"]))
            app.logger = Logger(label: "tests")
            // verify: one statement touched the text index, and it answered page, total and facets
            #expect(log.all.filter { $0.contains("product_search") }.count == 1)
            #expect(Set(page.items.map(\.title)) == ["Trail Sneakers", "Trail Running Jacket"])
            #expect(page.total == 2)
            #expect(page.facets?.brands.map(\.value).sorted() == ["Acme", "Fjell"])
            #expect(page.facets?.categories.map(\.value).sorted() == ["sneakers", "t-shirts"])
        }
    }

    /// How the database runs `statement`: PostgreSQL's generic plan once the vocabulary is analysed
    /// (a tiny table is sorted whole, which is right for it), or SQLite's query plan.
    static func plan(of statement: String, on database: any Database) async throws -> String {
        guard database.isPostgres else {
            return try await database.sql.raw("EXPLAIN QUERY PLAN \(unsafeRaw: statement)").all()
                .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "\n")
        }
        try await database.sql.raw("ANALYZE search_terms").run()
        return try await QueryPlanTests.plan(of: statement, on: database)
    }

    @Test(arguments: DatabaseBackend.available) func multiWordQueriesNeedEveryWord(backend: DatabaseBackend)
        async throws
    {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            let phrase = try await self.titles(app, "q=trail%20running").titles
            #expect(phrase == ["Trail Running Jacket"])
            let anyTrail = try await self.titles(app, "q=trail").titles
            #expect(Set(anyTrail) == ["Trail Sneakers", "Trail Running Jacket"])
        }
    }

    @Test(arguments: DatabaseBackend.available) func filtersCombineWithText(backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            let cheapSneakers = try await self.titles(app, "q=sneakers&maxPrice=7000").titles
            #expect(cheapSneakers == ["Running Shoe"])
            let trailShoes = try await self.titles(app, "q=trail&category=shoes").titles
            #expect(trailShoes == ["Trail Sneakers"])
            let stockedLeather = try await self.titles(app, "q=leather&inStock=true").titles
            #expect(stockedLeather == [])
        }
    }

    @Test(arguments: DatabaseBackend.available) func emptyQueryListsEverythingWithFacets(backend: DatabaseBackend)
        async throws
    {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            let (titles, page) = try await self.titles(app, "sort=price_asc")
            #expect(
                titles == [
                    "Phone Case for iPhone", "Running Shoe", "Trail Sneakers", "Trail Running Jacket", "Leather Boots",
                ])
            let facets = try #require(page.facets)
            #expect(facets.brands.first == CatalogDTO.FacetValue(value: "Acme", label: "Acme", count: 3))
            #expect(facets.categories.first { $0.value == "sneakers" }?.count == 2)
            #expect(facets.priceBands.map(\.count).reduce(0, +) == 5)
            #expect(facets.options.first?.name == "size")
        }
    }

    @Test(arguments: DatabaseBackend.available) func suggestionsCompleteAPrefix(backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            try await app.testing().test(.GET, "/api/v1/search/suggestions?q=snea") { response in
                let body = try response.content.decode(CatalogDTO.Suggestions.self)
                #expect(body.suggestions.map(\.title) == ["Trail Sneakers", "Running Shoe"])
            }
        }
    }

    @Test(arguments: DatabaseBackend.available) func indexFollowsCatalogueChanges(backend: DatabaseBackend) async throws
    {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: rename a product the way an admin edit will
            let boots = try #require(Self.catalogue.first { $0.title == "Leather Boots" })
            try await app.db.sql.raw("UPDATE products SET title = 'Suede Chukka' WHERE id = \(bind: boots.id)").run()
            // MUT
            try await app.searchEngine.index(productIDs: [boots.id], on: app.db)
            // validate
            let renamed = try await self.titles(app, "q=chukka").titles
            #expect(renamed == ["Suede Chukka"])
            #expect(try await self.titles(app, "q=leather").titles.isEmpty)
        }
    }
}
