import Foundation
import SQLKit

/// The dialect-specific part of database search: how terms become a ranked match, how documents
/// are written, and where typo candidates come from. Everything else is shared SQL.
protocol TextMatch: Sendable {
    /// `SELECT product_id, rank …` of every indexed product matching all the terms.
    func matching(terms: [String]) -> SQLQueryString
    /// Whether the best match has the highest `s.rank` (else the lowest).
    var higherRankIsBetter: Bool { get }
    /// Replaces the index rows of these products with their current documents.
    func write(_ documents: [SearchDocument], removing productIDs: [UUID], on sql: any SQLDatabase) async throws
    /// Vocabulary words that might be what a misspelled term meant.
    func candidates(for term: String, on sql: any SQLDatabase) async throws -> [String]
}

/// The text of one product as the index sees it, weighted field by field.
struct SearchDocument: Sendable {
    var productID: UUID
    var title: String
    var brand: String
    /// Category name, attribute values and option values.
    var keywords: String
    var description: String

    /// Words typo correction may suggest: the distinctive fields, not the prose.
    var vocabulary: Set<String> {
        Set(SearchText.terms(in: "\(title) \(brand) \(keywords)", limit: .max).filter { $0.count >= 3 })
    }

    /// Every distinct vocabulary word of these documents, sorted.
    static func vocabulary(of documents: [SearchDocument]) -> [String] {
        documents.reduce(into: Set<String>()) { $0.formUnion($1.vocabulary) }.sorted()
    }
}

extension TextMatch {
    /// A join onto `products p` exposing `s.rank`, restricted to matching products.
    func join(terms: [String]) -> SQLQueryString {
        "JOIN (" + matching(terms: terms) + ") s ON s.product_id = p.id"
    }

    /// `DESC` or `ASC`: the direction of `s.rank` that puts the best match first.
    var rankDirection: SQLQueryString { higherRankIsBetter ? "DESC" : "ASC" }

    /// Adds the documents' vocabulary to `search_terms`, skipping words already there.
    /// - Parameter insertIgnoring: the dialect's "insert unless present" statement around `VALUES …`.
    func insertVocabulary(
        of documents: [SearchDocument], on sql: any SQLDatabase,
        insertIgnoring: (SQLQueryString) -> SQLQueryString
    ) async throws {
        for terms in SearchDocument.vocabulary(of: documents).chunked(into: 200) {
            let rows = terms.map { term -> SQLQueryString in "(\(bind: term))" }.joined(separator: ", ")
            try await sql.raw(insertIgnoring(rows)).run()
        }
    }
}
