import Fluent
import SQLKit
import Vapor

extension Database {
    /// The SQL view of a Fluent database; both supported drivers are SQL databases.
    var sql: any SQLDatabase {
        get throws {
            guard let sql = self as? any SQLDatabase else {
                throw Abort(.internalServerError, reason: "an SQL database is required")
            }
            return sql
        }
    }

    /// `true` on PostgreSQL, `false` on SQLite: for the few places the dialects must differ.
    var isPostgres: Bool {
        (self as? any SQLDatabase)?.dialect.name == "postgresql"
    }
}
