import Fluent
import SQLKit

/// Typo correction finds its candidates through an index instead of reading the vocabulary.
///
/// PostgreSQL: a GiST trigram index on `search_terms`, which returns the nearest words first
/// (`term <-> $1`) with no similarity threshold to tune; the GIN index of `0007` served neither
/// that order nor the query and goes. SQLite: an FTS5 trigram table of each word padded with a
/// space at either end (so "boat" and "boot" share " bo"), filled from `search_terms` and kept
/// in step by a trigger, since words are only ever added.
struct AddTypoLookupIndexes: AsyncMigration {
    let name = "0033_add_typo_lookup_indexes"

    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        if database.isPostgres {
            try await sql.raw("CREATE INDEX idx_search_terms_trgm_gist ON search_terms USING GIST (term gist_trgm_ops)")
                .run()
            try await sql.raw("DROP INDEX idx_search_terms_trgm").run()
        } else {
            try await sql.raw(
                "CREATE VIRTUAL TABLE search_term_trigrams USING fts5(term UNINDEXED, padded, tokenize = 'trigram')"
            ).run()
            try await sql.raw(
                "INSERT INTO search_term_trigrams (term, padded) SELECT term, ' ' || term || ' ' FROM search_terms"
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER search_terms_trigrams AFTER INSERT ON search_terms BEGIN
                    INSERT INTO search_term_trigrams (term, padded) VALUES (new.term, ' ' || new.term || ' ');
                END
                """
            ).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        if database.isPostgres {
            try await sql.raw("CREATE INDEX idx_search_terms_trgm ON search_terms USING GIN (term gin_trgm_ops)").run()
            try await sql.raw("DROP INDEX idx_search_terms_trgm_gist").run()
        } else {
            try await sql.raw("DROP TRIGGER search_terms_trigrams").run()
            try await sql.raw("DROP TABLE search_term_trigrams").run()
        }
    }
}
