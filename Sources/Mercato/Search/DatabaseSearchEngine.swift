import Fluent
import Foundation
import SQLKit

/// Search on the primary database: FTS5 on SQLite, `tsvector` + `pg_trgm` on PostgreSQL. Filters,
/// sorting, paging and facets are one portable SQL path; only text matching differs.
struct DatabaseSearchEngine: SearchEngine {
    func search(_ query: CatalogQuery, categoryIDs: [UUID]?, on database: any Database) async throws -> SearchHits {
        let sql = try database.sql
        let match = textMatch(for: database)
        var hits = try await search(query, terms: query.terms, categoryIDs: categoryIDs, match: match, sql: sql)
        if hits.total == 0, !query.terms.isEmpty {
            let corrected = try await TypoCorrector(match: match, sql: sql).correct(query.terms)
            if corrected != query.terms {
                hits = try await search(query, terms: corrected, categoryIDs: categoryIDs, match: match, sql: sql)
                hits.correctedText = corrected.joined(separator: " ")
            }
        }
        return hits
    }

    func suggest(_ prefix: String, limit: Int, on database: any Database) async throws -> [UUID] {
        let terms = SearchText.terms(in: prefix)
        guard !terms.isEmpty else { return [] }
        let match = textMatch(for: database)
        let rows = try await database.sql.raw(
            """
            SELECT p.id FROM products p \(match.join(terms: terms))
            WHERE p.status = 'active' ORDER BY s.rank \(match.rankDirection), p.title LIMIT \(literal: limit)
            """
        ).all()
        return try rows.map { try $0.decode(column: "id", as: UUID.self) }
    }

    func index(productIDs: [UUID], on database: any Database) async throws {
        for batch in productIDs.chunked(into: 500) {
            let documents = try await SearchDocumentReader(sql: database.sql).documents(for: batch)
            try await textMatch(for: database).write(documents, removing: batch, on: database.sql)
        }
    }

    func rebuild(on database: any Database, progress: @Sendable (Int, Int) -> Void) async throws {
        let ids = try await database.sql.raw("SELECT id FROM products ORDER BY id").all()
            .map { try $0.decode(column: "id", as: UUID.self) }
        progress(0, ids.count)
        var done = 0
        for batch in ids.chunked(into: 500) {
            try await database.transaction { transaction in
                try await index(productIDs: batch, on: transaction)
            }
            done += batch.count
            progress(done, ids.count)
        }
    }

    func textMatch(for database: any Database) -> any TextMatch {
        database.isPostgres ? PostgresTextMatch() : SQLiteTextMatch()
    }

    private func search(
        _ query: CatalogQuery, terms: [String], categoryIDs: [UUID]?, match: any TextMatch, sql: any SQLDatabase
    ) async throws -> SearchHits {
        let filter = ProductFilter(query: query, terms: terms, categoryIDs: categoryIDs, match: match)
        let offset = (query.page - 1) * query.pageSize
        if query.includeFacets {
            let listing = try await FacetCounter(filter: filter, sql: sql).page(
                sort: query.effectiveSort, limit: query.pageSize, offset: offset)
            return SearchHits(productIDs: listing.ids, total: listing.total, facets: listing.facets, correctedText: nil)
        }
        let total =
            try await sql.raw("SELECT COUNT(*) AS total \(filter.fromWhere)").first()?
            .decode(column: "total", as: Int.self) ?? 0
        let ids =
            total <= offset
            ? []
            : try await sql.raw(
                """
                SELECT p.id \(filter.fromWhere) ORDER BY \(filter.order(query.effectiveSort))
                LIMIT \(literal: query.pageSize) OFFSET \(literal: offset)
                """
            ).all().map { try $0.decode(column: "id", as: UUID.self) }
        return SearchHits(productIDs: ids, total: total, facets: nil, correctedText: nil)
    }
}

/// The `FROM … WHERE …` of a listing, shared by the page, the count and the facets.
struct ProductFilter {
    let fromWhere: SQLQueryString
    let hasText: Bool
    let match: any TextMatch

    init(query: CatalogQuery, terms: [String], categoryIDs: [UUID]?, match: any TextMatch) {
        self.match = match
        hasText = !terms.isEmpty
        var clause: SQLQueryString = "FROM products p "
        if hasText { clause += match.join(terms: terms) }
        clause += " WHERE p.status = 'active'"
        if let categoryIDs {
            clause += " AND p.category_id IN (\(binds: categoryIDs.isEmpty ? [UUID()] : categoryIDs))"
        }
        if !query.brands.isEmpty { clause += " AND p.brand IN (\(binds: query.brands))" }
        if let minPrice = query.minPrice { clause += " AND p.price_min >= \(bind: minPrice)" }
        if let maxPrice = query.maxPrice { clause += " AND p.price_min <= \(bind: maxPrice)" }
        for (name, values) in query.options.sorted(by: { $0.key < $1.key }) {
            clause += """
                 AND p.id IN (SELECT o.product_id FROM variant_options o \
                WHERE o.name = \(bind: name) AND o.value IN (\(binds: values)))
                """
        }
        if query.featuredOnly { clause += " AND p.featured = \(bind: true)" }
        if query.inStockOnly {
            clause += " AND \(InventoryReadModel.productInStock(product: "p.id"))"
        }
        fromWhere = clause
    }

    /// - Parameter rank: where the text match's rank is (`s.rank` on the join, or the column of a
    ///   set that carried it along).
    func order(_ sort: CatalogQuery.Sort, rank: SQLQueryString = "s.rank") -> SQLQueryString {
        switch sort {
        case .relevance where hasText: rank + " " + match.rankDirection + ", p.created_at DESC, p.id"
        case .relevance, .newest: "p.created_at DESC, p.id"
        case .priceAscending: "p.price_min ASC, p.id"
        case .priceDescending: "p.price_min DESC, p.id"
        case .title: "p.title ASC, p.id"
        }
    }
}
