import Foundation
import SQLKit

/// PostgreSQL full-text search: a weighted `tsvector` (title A, brand and keywords B, description C)
/// ranked with `ts_rank`, and the `pg_trgm` GiST index's nearest words for a misspelled one.
struct PostgresTextMatch: TextMatch {
    func matching(terms: [String]) -> SQLQueryString {
        let expression = terms.map { "\($0):*" }.joined(separator: " & ")
        return """
            SELECT product_id, ts_rank(document, query) AS rank
            FROM product_search, to_tsquery('simple', \(bind: expression)) query WHERE document @@ query
            """
    }

    var higherRankIsBetter: Bool { true }

    func write(_ documents: [SearchDocument], removing productIDs: [UUID], on sql: any SQLDatabase) async throws {
        guard !productIDs.isEmpty else { return }
        try await sql.raw("DELETE FROM product_search WHERE product_id IN (\(binds: productIDs))").run()
        for batch in documents.chunked(into: 100) {
            let rows = batch.map { document -> SQLQueryString in
                """
                (\(bind: document.productID), \
                setweight(to_tsvector('simple', \(bind: document.title)), 'A') \
                || setweight(to_tsvector('simple', \(bind: document.brand + " " + document.keywords)), 'B') \
                || setweight(to_tsvector('simple', \(bind: document.description)), 'C'))
                """
            }
            try await sql.raw(
                "INSERT INTO product_search (product_id, document) VALUES \(rows.joined(separator: ", "))"
            )
            .run()
        }
        try await insertVocabulary(of: documents, on: sql) {
            "INSERT INTO search_terms (term) VALUES \($0) ON CONFLICT DO NOTHING"
        }
    }

    /// The 30 words nearest by trigram distance, walked in that order from the GiST index. No
    /// length filter here: the planner can't tell how many rows it keeps and sorts the whole
    /// vocabulary instead; the corrector's edit distance bounds length anyway.
    func candidates(for term: String, on sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw(
            """
            SELECT term FROM search_terms ORDER BY term <-> \(bind: term) LIMIT 30
            """
        ).all().map { try $0.decode(column: "term", as: String.self) }
    }
}
