import Foundation
import SQLKit

/// SQLite FTS5 with BM25 ranking: title weighs most, then brand and keywords, then description.
struct SQLiteTextMatch: TextMatch {
    func join(terms: [String]) -> SQLQueryString {
        // Terms are letters and digits only (SearchText), so quoting them is enough to keep FTS5
        // syntax out; the prefix star lets "sneak" find "sneakers".
        let expression = terms.map { "\"\($0)\"*" }.joined(separator: " AND ")
        return """
            JOIN (SELECT product_id, bm25(product_search, 0.0, 10.0, 4.0, 3.0, 1.0) AS rank
                  FROM product_search WHERE product_search MATCH \(bind: expression)) s ON s.product_id = p.id
            """
    }

    var rankOrder: SQLQueryString { "s.rank ASC" }

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

    func candidates(for term: String, on sql: any SQLDatabase) async throws -> [String] {
        let length = term.count
        return try await sql.raw(
            "SELECT term FROM search_terms WHERE length(term) BETWEEN \(bind: length - 2) AND \(bind: length + 2)"
        ).all().map { try $0.decode(column: "term", as: String.self) }
    }
}
