import Fluent
import Foundation
import SQLKit

/// Every product a search text matches, with its rank, in no particular order.
struct TextMatches: Sendable {
    var productIDs: [UUID]
    var ranks: [Double]
    /// The best match has the highest rank (PostgreSQL's `ts_rank`) rather than the lowest
    /// (SQLite's `bm25`).
    var higherRankIsBetter: Bool
}

/// What an engine offers when it can list its text matches on their own, so the catalogue's
/// `ListingIndex` can filter, sort, page and count them in process: at 100,000 products a common
/// word matches thousands of products, and counting their facets in SQL reads every option row of
/// them. An engine that can't (a remote one) answers whole searches through `SearchEngine.search`.
protocol TextMatchListing: SearchEngine {
    /// Every product matching all the terms (each as a word prefix), ranked; the caller keeps
    /// the active ones.
    func matches(_ terms: [String], on database: any Database) async throws -> TextMatches

    /// The terms with each misspelled word replaced by the nearest one the catalogue uses, as
    /// `search` corrects them when nothing matched.
    func corrected(_ terms: [String], on database: any Database) async throws -> [String]
}

extension DatabaseSearchEngine: TextMatchListing {
    func matches(_ terms: [String], on database: any Database) async throws -> TextMatches {
        let match = textMatch(for: database)
        // Not joined to `products`: the listing index holds only active products and drops the
        // rest, and the join read all 100,000 products for every word.
        let rows = try await database.sql.raw(match.matching(terms: terms)).all()
        var found = TextMatches(productIDs: [], ranks: [], higherRankIsBetter: match.higherRankIsBetter)
        found.productIDs.reserveCapacity(rows.count)
        found.ranks.reserveCapacity(rows.count)
        for row in rows {
            found.productIDs.append(try row.decode(column: "product_id", as: UUID.self))
            found.ranks.append(try row.decode(column: "rank", as: Double.self))
        }
        return found
    }

    func corrected(_ terms: [String], on database: any Database) async throws -> [String] {
        try await TypoCorrector(match: textMatch(for: database), sql: database.sql).correct(terms)
    }
}
