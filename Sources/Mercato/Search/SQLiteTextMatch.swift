import Foundation
import SQLKit

/// SQLite FTS5 with BM25 ranking: title weighs most, then brand and keywords, then description.
struct SQLiteTextMatch: TextMatch {
    func matching(terms: [String]) -> SQLQueryString {
        // Terms are letters and digits only (SearchText), so quoting them is enough to keep FTS5
        // syntax out; the prefix star lets "sneak" find "sneakers".
        let expression = terms.map { "\"\($0)\"*" }.joined(separator: " AND ")
        return """
            SELECT product_id, bm25(product_search, 0.0, 10.0, 4.0, 3.0, 1.0) AS rank
            FROM product_search WHERE product_search MATCH \(bind: expression)
            """
    }

    var higherRankIsBetter: Bool { false }

    func write(_ documents: [SearchDocument], removing productIDs: [UUID], on sql: any SQLDatabase) async throws {
        guard !productIDs.isEmpty else { return }
        try await sql.raw("DELETE FROM product_search WHERE product_id IN (\(binds: productIDs))").run()
        for batch in documents.chunked(into: 100) {
            let rows = batch.map { document -> SQLQueryString in
                """
                (\(bind: document.productID), \(bind: document.title), \(bind: document.brand), \
                \(bind: document.keywords), \(bind: document.description))
                """
            }
            try await sql.raw(
                "INSERT INTO product_search (product_id, title, brand, keywords, description) VALUES \(rows.joined(separator: ", "))"
            ).run()
        }
        try await insertVocabulary(of: documents, on: sql) { "INSERT OR IGNORE INTO search_terms (term) VALUES \($0)" }
    }

    /// Words sharing the most trigrams with `term`, through the FTS5 trigram table of
    /// `0033_add_typo_lookup_indexes` (padded like pg_trgm, so short words share their edges).
    func candidates(for term: String, on sql: any SQLDatabase) async throws -> [String] {
        let padded = Array(" \(term) ")
        guard padded.count >= 3 else { return [] }
        // Terms are letters and digits only, so quoting each trigram keeps FTS5 syntax out.
        let trigrams = (0...(padded.count - 3)).map { "\"" + String(padded[$0..<$0 + 3]) + "\"" }
        return try await sql.raw(
            """
            SELECT term FROM search_term_trigrams
            WHERE search_term_trigrams MATCH \(bind: Set(trigrams).sorted().joined(separator: " OR "))
              AND length(term) BETWEEN \(bind: term.count - 2) AND \(bind: term.count + 2)
            ORDER BY rank LIMIT 30
            """
        ).all().map { try $0.decode(column: "term", as: String.self) }
    }
}
