import Fluent
import SQLKit

/// The database search index: SQLite FTS5 in the embedded default, a weighted `tsvector` with a
/// GIN index on PostgreSQL. `search_terms` is the vocabulary typo correction picks from
/// (through `pg_trgm` on PostgreSQL, edit distance on SQLite).
struct CreateProductSearch: AsyncMigration {
    let name = "0007_create_product_search"

    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        if database.isPostgres {
            try await sql.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm").run()
            try await sql.raw(
                """
                CREATE TABLE product_search (
                    product_id uuid PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
                    document tsvector NOT NULL
                )
                """
            ).run()
            try await sql.raw("CREATE INDEX idx_product_search_document ON product_search USING GIN (document)").run()
            try await sql.raw("CREATE TABLE search_terms (term text PRIMARY KEY)").run()
            try await sql.raw("CREATE INDEX idx_search_terms_trgm ON search_terms USING GIN (term gin_trgm_ops)").run()
        } else {
            try await sql.raw(
                """
                CREATE VIRTUAL TABLE product_search USING fts5(
                    product_id UNINDEXED, title, brand, keywords, description,
                    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
                )
                """
            ).run()
            try await sql.raw("CREATE TABLE search_terms (term TEXT PRIMARY KEY)").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        try await sql.raw("DROP TABLE search_terms").run()
        try await sql.raw("DROP TABLE product_search").run()
    }
}
