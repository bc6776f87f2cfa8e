import Fluent
import Foundation
import Logging
import SQLKit
import Testing
import Vapor

@testable import Mercato

/// Searches with a cached catalogue are answered by the `ListingIndex` over the engine's text
/// matches: the same page, total, facets and typo correction as the database's own search, with a
/// held word costing only its product cards.
@Suite(.serialized) struct IndexedSearchTests {
    @Test(arguments: DatabaseBackend.available)
    func answersEverySearchAsTheDatabaseSearchDoes(on backend: DatabaseBackend) async throws {
        try await ListingIndexTests.withDemoCatalogue(on: backend) { app in
            // setup: the catalogue's words, its facets and its category tree
            let words = try await app.db.sql.raw("SELECT term FROM search_terms ORDER BY term").all().map {
                try $0.decode(column: "term", as: String.self)
            }
            #expect(words.count > 20)
            let categories = try await CategoryIndex.load(from: app.db.sql)
            let everything = try await DatabaseSearchEngine().search(
                CatalogQuery(includeFacets: true), categoryIDs: nil, on: app.db)
            let facets = try #require(everything.facets)
            var random = SeededRandom(seed: 17)
            var corrected = 0
            for round in 0..<160 {
                // act: a random search, answered by the database and through the index
                var query = ListingIndexTests.randomQuery(facets: facets, using: &random)
                query.text = Self.randomText(words: words, using: &random)
                if Bool.random(using: &random) { query.sort = .relevance }
                let categoryIDs = query.categorySlug.flatMap { categories.node(slug: $0) }.map {
                    categories.subtreeIDs(of: $0.id)
                }
                let expected = try await DatabaseSearchEngine().search(query, categoryIDs: categoryIDs, on: app.db)
                let page = try await ListingIndexTests.catalog(app).list(query)
                // verify: the same products in the same order, total, facets and correction
                let context = "round \(round): \(query.cacheKey)"
                #expect(page.items.map(\.id) == expected.productIDs, "\(context)")
                #expect(page.total == expected.total, "\(context)")
                #expect(page.facets == expected.facets, "\(context)")
                #expect(page.correctedQuery == expected.correctedText, "\(context)")
                if expected.correctedText != nil { corrected += 1 }
            }
            #expect(corrected > 5)
        }
    }

    /// One or two catalogue words, a prefix of one, a misspelling of one, or a word nothing has.
    static func randomText(words: [String], using random: inout SeededRandom) -> String {
        let word = words.randomElement(using: &random) ?? "shirt"
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return "\(word) \(words.randomElement(using: &random) ?? word)"
        case 1: return String(word.prefix(3))
        case 2, 3:
            var letters = Array(word)
            let at = Int.random(in: 1..<letters.count, using: &random)
            letters[at] = letters[at] == "x" ? "q" : "x"
            return String(letters)
        case 4: return "zzyzx"
        default: return word
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func aHeldSearchReadsOnlyItsProductCards(on backend: DatabaseBackend) async throws {
        try await ListingIndexTests.withDemoCatalogue(on: backend) { app in
            // setup: a first search matched and held its word
            let word = try #require(
                try await app.db.sql.raw(
                    "SELECT s.term FROM search_terms s ORDER BY length(s.term) DESC, s.term LIMIT 1"
                ).first()?.decode(column: "term", as: String.self))
            let first = try await ListingIndexTests.catalog(app).list(
                try CatalogQuery(parameters: ["q": word, "facets": "true"]))
            let log = QueryPlanTests.StatementLog()
            app.logger = Logger(label: "statements") { _ in log }
            // act: another sort and filter of the same word
            let byPrice = try await ListingIndexTests.catalog(app).list(
                try CatalogQuery(parameters: ["q": word, "facets": "true", "sort": "price_desc", "inStock": "true"]))
            app.logger = Logger(label: "tests")
            // verify: one statement, for the cards; the products are the word's, dearest first
            #expect(log.all.count == 1, "\(log.all)")
            #expect(first.total > 0)
            #expect(byPrice.total <= first.total)
            #expect(byPrice.items.map(\.price.amount) == byPrice.items.map(\.price.amount).sorted(by: >))
            #expect(byPrice.items.allSatisfy { $0.inStock })
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func aRenamedProductIsFoundByItsNewWordAfterTheWrite(on backend: DatabaseBackend) async throws {
        try await ListingIndexTests.withDemoCatalogue(on: backend) { app in
            // setup: a word nothing has yet is searched (and its empty answer held)
            let catalog = ListingIndexTests.catalog(app)
            let before = try await catalog.list(try CatalogQuery(parameters: ["q": "quokka"]))
            let product = try #require(try await catalog.list(CatalogQuery()).items.first)
            // act: the product is renamed as a catalogue write does it: row, search index, version
            try await app.db.sql.raw("UPDATE products SET title = 'Quokka Lamp' WHERE id = \(bind: product.id)").run()
            try await app.searchEngine.index(productIDs: [product.id], on: app.db)
            try await app.catalogCache.invalidate()
            let after = try await catalog.list(try CatalogQuery(parameters: ["q": "quokka"]))
            // verify: nothing before, the renamed product after
            #expect(before.total == 0)
            #expect(after.items.map(\.id) == [product.id])
            #expect(after.items.first?.title == "Quokka Lamp")
        }
    }

    @Test func theMemoHoldsRecentWordsWithinItsBounds() async throws {
        // setup: room for three lists or ten positions
        let memo = TextMatchMemo(maxEntries: 3, maxPositions: 10)
        var loads = 0
        func matches(_ word: String, _ count: Int) async throws -> [Int32] {
            try await memo.matches([word]) {
                loads += 1
                return (0..<Int32(count)).map { $0 }
            }
        }
        // act: four words, the first asked again after the fourth evicted it
        _ = try await matches("a", 4)
        _ = try await matches("a", 4)
        _ = try await matches("b", 4)
        _ = try await matches("c", 4)
        let held = memo.count
        _ = try await matches("a", 4)
        _ = try await matches("huge", 11)
        // verify: a repeat is not loaded again; ten positions hold two lists; a list longer than
        // the bound is answered but not held
        #expect(loads == 5)
        #expect(held == 2)
        #expect(memo.count == 2)
        let huge = try await matches("huge", 11)
        #expect(huge.count == 11)
        #expect(loads == 6)
    }
}
