import FluentPostgresDriver
import NIOConcurrencyHelpers
import SQLKit

/// A row of `streamRows`, its cells read by position.
///
/// On PostgreSQL a cell is decoded straight from its bytes as the static type asks. SQLKit's rows
/// look every cell up by name and decode it through `Decodable` (a coding path, a dynamic cast to
/// the driver's protocol): for a statement of 100,000 rows that took most of the time of reading
/// it, more than the database took to answer.
struct PositionalRow {
    fileprivate enum Cells {
        case postgres(PostgresRandomAccessRow)
        case named(any SQLRow, [String])
    }

    fileprivate let cells: Cells

    /// Whether the cells are read by position from the driver's row (else by name from SQLKit's).
    var readsByPosition: Bool {
        if case .postgres = cells { true } else { false }
    }

    /// The cell in result column `column` (0-based, in the order `streamRows` was given).
    func decode<T: Decodable & PostgresDecodable>(_ column: Int, as _: T.Type = T.self) throws -> T {
        switch cells {
        case .postgres(let row): try row[column].decode(T.self)
        case .named(let row, let columns): try row.decode(column: columns[column], as: T.self)
        }
    }
}

/// A database that can lend a PostgreSQL connection: the driver's own, or a wrapper's that forwards
/// it (and keeps its own accounting while the connection is out).
protocol PostgresConnectionSource: Sendable {
    /// Runs `body` on a PostgreSQL connection, or nil when the database isn't PostgreSQL.
    func withPostgresConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) -> EventLoopFuture<T>
    ) -> EventLoopFuture<T>?
}

extension SQLDatabase {
    /// Runs `query` and hands each row to `onRow` as it arrives; nothing is held but what `onRow`
    /// keeps. `columns` names the statement's result columns in order, for drivers that read by name.
    /// The statement's binds must be values PostgreSQL can encode as themselves (strings, numbers).
    func streamRows(
        _ query: SQLQueryString, columns: [String], _ onRow: @escaping @Sendable (PositionalRow) throws -> Void
    ) async throws {
        let direct = (self as? any PostgresDatabase).map { DriverConnections(database: $0) }
        if let source = (self as? any PostgresConnectionSource) ?? direct {
            var serializer = SQLSerializer(database: self)
            query.serialize(to: &serializer)
            var bindings = PostgresBindings(capacity: serializer.binds.count)
            for bind in serializer.binds {
                guard let value = bind as? any PostgresEncodable else {
                    throw UnencodableBind(type: "\(type(of: bind))")
                }
                try bindings.append(value, context: .default)
            }
            let statement = PostgresQuery(unsafeSQL: serializer.sql, binds: bindings)
            if let done = source.withPostgresConnection({ [logger] connection in
                let promise = connection.eventLoop.makePromise(of: Void.self)
                promise.completeWithTask {
                    for try await row in try await connection.query(statement, logger: logger) {
                        try onRow(PositionalRow(cells: .postgres(row.makeRandomAccess())))
                    }
                }
                return promise.futureResult
            }) {
                return try await done.get()
            }
        }
        let failure = NIOLockedValueBox<(any Error)?>(nil)
        try await execute(sql: query) { row in
            failure.withLockedValue { failure in
                guard failure == nil else { return }
                do { try onRow(PositionalRow(cells: .named(row, columns))) } catch { failure = error }
            }
        }
        if let error = failure.withLockedValue({ $0 }) { throw error }
    }
}

/// The PostgreSQL driver's database lends its connections as they are.
private struct DriverConnections: PostgresConnectionSource, @unchecked Sendable {
    // The driver's databases are structs of sendable parts; `PostgresDatabase` just doesn't say so.
    let database: any PostgresDatabase

    func withPostgresConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) -> EventLoopFuture<T>
    ) -> EventLoopFuture<T>? {
        database.withConnection(body)
    }
}

/// A bind `streamRows` can't send to PostgreSQL as it is.
struct UnencodableBind: Error, CustomStringConvertible {
    let type: String
    var description: String { "a bind of type \(type) PostgreSQL can't encode directly" }
}
