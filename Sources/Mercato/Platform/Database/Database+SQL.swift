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

extension SQLRow {
    /// The column's text as one of the values `T` knows; a value no version of Mercato writes means
    /// the row was changed by hand, and is an error rather than a guess.
    func decodeStored<T: RawRepresentable>(column: String, as _: T.Type) throws -> T where T.RawValue == String {
        let text = try decode(column: column, as: String.self)
        guard let value = T(rawValue: text) else { throw UnknownStoredValue(column: column, value: text) }
        return value
    }
}

/// A stored value (a status, a kind) that no version of Mercato writes.
struct UnknownStoredValue: Error, CustomStringConvertible {
    let column: String
    let value: String
    var description: String { "column \(column) holds the unknown value \(value.debugDescription)" }
}
