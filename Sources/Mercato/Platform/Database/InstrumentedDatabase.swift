import FluentKit
import FluentPostgresDriver
import Prometheus
import SQLKit

/// Wraps a database configuration so every operation that checks a connection out of the pool is
/// counted while it holds it: the "database pool in use" gauge of `/metrics`.
///
/// The pools inside the Fluent drivers expose no counters, so the count is taken at the `Database`
/// boundary: a lone query holds a connection for its duration, `withConnection` and `transaction`
/// for their whole closure (queries inside run on the connection they were given and aren't
/// counted twice). Modelled on FluentKit's own logging wrapper, keeping `SQLDatabase` intact.
struct InstrumentedDatabaseConfiguration: DatabaseConfiguration {
    var base: any DatabaseConfiguration
    let inUse: Gauge

    var middleware: [any AnyModelMiddleware] {
        get { base.middleware }
        set { base.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        InstrumentedDatabaseDriver(base: base.makeDriver(for: databases), inUse: inUse)
    }
}

private struct InstrumentedDatabaseDriver: DatabaseDriver {
    let base: any DatabaseDriver
    let inUse: Gauge

    func makeDatabase(with context: DatabaseContext) -> any Database {
        let database = base.makeDatabase(with: context)
        guard let sql = database as? any SQLDatabase else { return database }
        return InstrumentedDatabase(base: database, sql: sql, inUse: inUse)
    }

    func shutdown() { base.shutdown() }

    func shutdownAsync() async { await base.shutdownAsync() }
}

private struct InstrumentedDatabase: Database, SQLDatabase {
    let base: any Database
    let sql: any SQLDatabase
    let inUse: Gauge

    private func holding<T>(_ operation: () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        inUse.increment()
        return operation().always { [inUse] _ in inUse.decrement() }
    }

    var context: DatabaseContext { base.context }
    var inTransaction: Bool { base.inTransaction }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void)
        -> EventLoopFuture<Void>
    {
        holding { base.execute(query: query, onOutput: onOutput) }
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        holding { base.execute(schema: schema) }
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
        holding { base.execute(enum: `enum`) }
    }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        holding { base.transaction(closure) }
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        holding { base.withConnection(closure) }
    }

    var dialect: any SQLDialect { sql.dialect }
    var version: (any SQLDatabaseReportedVersion)? { sql.version }
    var queryLogLevel: Logger.Level? { sql.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
        -> EventLoopFuture<Void>
    {
        holding { sql.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        inUse.increment()
        defer { inUse.decrement() }
        try await sql.execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        inUse.increment()
        defer { inUse.decrement() }
        return try await sql.withSession(closure)
    }
}

extension InstrumentedDatabase: PostgresConnectionSource {
    func withPostgresConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) -> EventLoopFuture<T>
    ) -> EventLoopFuture<T>? {
        guard let postgres = base as? any PostgresDatabase else { return nil }
        return holding { postgres.withConnection(body) }
    }
}
