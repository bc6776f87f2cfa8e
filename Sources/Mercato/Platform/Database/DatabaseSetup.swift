import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import NIOSSL
import Prometheus
import Vapor

/// Connects Fluent to SQLite (embedded default) or PostgreSQL, as the settings say.
enum DatabaseSetup {
    /// - Parameter metrics: where the pool's size and connections in use are reported.
    static func configure(_ app: Application, database: DatabaseSettings, metrics: AppMetrics) throws {
        let (factory, id) = try configuration(for: database, app: app)
        app.databases.use(
            InstrumentedDatabaseConfiguration(base: factory.make(), inUse: metrics.databaseConnectionsInUse), as: id)
        metrics.databasePoolSize.set(Double(database.poolSize(eventLoops: eventLoopCount(app))))
    }

    private static func configuration(for database: DatabaseSettings, app: Application) throws
        -> (DatabaseConfigurationFactory, DatabaseID)
    {
        switch database {
        case .sqlite(let path) where path == DatabaseSettings.inMemoryPath:
            return (.sqlite(.memory), .sqlite)
        case .sqlite(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return (.sqlite(.file(path)), .sqlite)
        case .postgres(let postgres):
            let tls: PostgresConnection.Configuration.TLS =
                postgres.ssl ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
            let configuration = SQLPostgresConfiguration(
                hostname: postgres.host, port: postgres.port, username: postgres.username,
                password: postgres.password, database: postgres.database, tls: tls)
            let factory: DatabaseConfigurationFactory = .postgres(
                configuration: configuration,
                maxConnectionsPerEventLoop: connectionsPerEventLoop(total: postgres.maxConnections, app: app),
                connectionPoolTimeout: .seconds(10))
            return (factory, .psql)
        }
    }

    /// Fluent pools per event loop; `maxConnections` is the process total, so split it (at least one each).
    static func connectionsPerEventLoop(total: Int, app: Application) -> Int {
        max(1, total / eventLoopCount(app))
    }

    private static func eventLoopCount(_ app: Application) -> Int {
        app.eventLoopGroup.makeIterator().reduce(0) { count, _ in count + 1 }
    }
}

extension DatabaseSettings {
    /// Connections the process can hold at once, as reported by `/metrics`.
    func poolSize(eventLoops: Int) -> Int {
        switch self {
        case .sqlite: 1
        case .postgres(let postgres): max(1, postgres.maxConnections / eventLoops) * eventLoops
        }
    }
}
