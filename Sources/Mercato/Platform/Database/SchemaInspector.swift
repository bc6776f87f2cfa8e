import Fluent
import SQLKit
import Vapor

/// Reads the live schema back, portably across SQLite and PostgreSQL: which tables exist and a
/// canonical description of columns and indexes, so tests can prove a revert leaves no trace.
struct SchemaInspector {
    let sql: any SQLDatabase

    init(_ database: any Database) throws {
        guard let sql = database as? any SQLDatabase else {
            throw Abort(.internalServerError, reason: "schema inspection needs an SQL database")
        }
        self.sql = sql
    }

    private var isPostgres: Bool { sql.dialect.name == "postgresql" }

    /// User tables, sorted; Fluent's own migration log included.
    func tableNames() async throws -> [String] {
        let query: SQLQueryString =
            isPostgres
            ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        return try await sql.raw(query).all().map { try $0.decode(column: "name", as: String.self) }.sorted()
    }

    /// One line per column, index and constraint, sorted; equal lines mean equal schemas.
    /// PostgreSQL's implicit NOT NULL checks are named after table OIDs, which change on every
    /// re-creation; nullability is already in the column lines, so they are left out.
    func describe() async throws -> [String] {
        let query: SQLQueryString =
            isPostgres
            ? """
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' nullable=' || is_nullable
                   || ' default=' || COALESCE(column_default, '') AS line
            FROM information_schema.columns WHERE table_schema = current_schema()
            UNION ALL
            SELECT 'index ' || tablename || ' ' || indexdef AS line FROM pg_indexes WHERE schemaname = current_schema()
            UNION ALL
            SELECT 'constraint ' || table_name || ' ' || constraint_name || ' ' || constraint_type AS line
            FROM information_schema.table_constraints WHERE table_schema = current_schema()
              AND constraint_name !~ '^[0-9]+_[0-9]+_[0-9]+_not_null$'
            """
            : """
            SELECT type || ' ' || name || ' ' || COALESCE(sql, '') AS line FROM sqlite_master
            WHERE name NOT LIKE 'sqlite_%'
            """
        return try await sql.raw(query).all().map { try $0.decode(column: "line", as: String.self) }.sorted()
    }
}
