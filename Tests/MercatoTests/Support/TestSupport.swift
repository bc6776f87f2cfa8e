import Fluent
import Foundation
import MercatoTestSupport
import RedisClient
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Shared setup: the repository's config folder, settings for tests, apps that shut down, and the
/// switches for suites that need real servers.
enum TestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Everything staging and production require from their environment, with harmless values.
    static let deployedVariables = [
        "BASE_URL": "https://shop.example.com", "DB_HOST": "db.internal", "DB_PASSWORD": "db-password",
        "REDIS_HOST": "redis.internal", "S3_BUCKET": "mercato-media",
        "STRIPE_SECRET_KEY": "sk_test_deployed", "STRIPE_WEBHOOK_SECRET": "whsec_deployed_0123456789abcdef",
        "MAIL_FROM": "Mercato <orders@shop.example.com>",
    ]

    static var configDirectory: URL { repositoryRoot.appendingPathComponent("config") }

    static func settings(
        _ environment: AppEnvironment = .testing, variables: [String: String] = [:]
    ) throws -> Settings {
        try SettingsLoader.load(environment: environment, configDirectory: configDirectory, variables: variables)
    }

    /// Builds an app the way `serve` does, runs `body`, and always shuts the app down.
    static func withApp(
        _ settings: Settings? = nil, role: ServerRole = .all, migrate: Bool = true,
        _ body: (Application) async throws -> Void
    ) async throws {
        let app = try await MercatoApplication.make(settings: settings ?? self.settings(), role: role)
        app.directory = DirectoryConfiguration(workingDirectory: repositoryRoot.path + "/")
        do {
            if migrate {
                try await app.autoMigrate()
                try await grantOwnerKey(on: app.db)
            }
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// An API key holding every permission, present in every migrated test app, for tests that
    /// call the Admin API without being about staff access.
    static let ownerKey = "mk_test-owner-key"
    static let ownerHeaders: HTTPHeaders = ["Authorization": "Bearer \(ownerKey)"]

    /// Stores ``ownerKey`` unless it's there (suites on PostgreSQL keep their database between runs).
    static func grantOwnerKey(on db: any Database) async throws {
        let hash = SecretToken.hash(ownerKey)
        guard try await StaffAPIKey.query(on: db).filter(\.$keyHash == hash).first() == nil else { return }
        let key = StaffAPIKey()
        key.id = UUID()
        key.name = "tests"
        key.keyHash = hash
        key.prefix = String(ownerKey.prefix(10))
        key.permissions = StaffPermission.stored(Set(StaffPermission.allCases))
        key.createdAt = Date()
        try await key.create(on: db)
    }

    /// `/health/ready` probed as a load balancer does: again every 200 ms until it answers 200, for
    /// up to 20 s (a first probe can time out while a loaded machine builds the listing index; the
    /// load goes on and the next probe finds it). The last answer.
    static func readiness(of app: Application) async throws -> (HTTPStatus, HealthRoutes.Readiness?) {
        var answer: (HTTPStatus, HealthRoutes.Readiness?) = (.internalServerError, nil)
        let deadline = ContinuousClock.now + .seconds(20)
        repeat {
            try await app.testing().test(.GET, "/health/ready") { response in
                answer = (response.status, try? response.content.decode(HealthRoutes.Readiness.self))
            }
            if answer.0 == .ok { break }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < deadline
        return answer
    }

    /// A folder under the system temp directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mercato-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Real servers for integration suites. Unset means skip, unless `MERCATO_REQUIRE_SERVICES=1`, in
/// which case a missing server fails the run instead of silently shrinking it.
enum TestServices {
    static var environment: [String: String] { ServiceEnvironment.variables }
    static var required: Bool { ServiceEnvironment.required }
    static var postgresURL: String? { ServiceEnvironment.value("MERCATO_TEST_DATABASE_URL") }

    /// Run PostgreSQL suites when a server is given or required.
    static var postgresEnabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_DATABASE_URL") }

    /// `postgres://user:password@host:port/database?sslmode=disable`.
    static func postgresSettings() throws -> PostgresSettings {
        let url = try #require(
            postgresURL.flatMap(URL.init(string:)),
            "MERCATO_REQUIRE_SERVICES=1 but MERCATO_TEST_DATABASE_URL is not set to a postgres:// URL")
        let components = try #require(URLComponents(url: url, resolvingAgainstBaseURL: false))
        let ssl = components.queryItems?.first { $0.name == "sslmode" }?.value.map { $0 != "disable" } ?? false
        return PostgresSettings(
            host: try #require(url.host), port: url.port ?? 5432, username: url.user ?? "postgres",
            password: url.password, database: String(url.path.dropFirst()), ssl: ssl, maxConnections: 4)
    }

    /// Testing settings on a PostgreSQL database of the suite's own (`<base>_<suite>`), created on
    /// first use, so suites running in parallel never migrate the same schema at once.
    static func postgresTestingSettings(suite: String) async throws -> Settings {
        let base = try postgresSettings()
        let name = "\(base.database)_\(suite.lowercased())"
        var settings = try TestSupport.settings()
        settings.database = .postgres(base)
        try await TestSupport.withApp(settings, migrate: false) { app in
            let sql = try app.db.sql
            let exists = try await sql.raw("SELECT 1 AS found FROM pg_database WHERE datname = \(bind: name)").first()
            if exists == nil {
                try await sql.raw("CREATE DATABASE \(ident: name)").run()
            }
        }
        var isolated = base
        isolated.database = name
        settings.database = .postgres(isolated)
        return settings
    }
}

extension TestServices {
    static var redisURL: String? { ServiceEnvironment.value("MERCATO_TEST_REDIS_URL") }
    static var redisEnabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_REDIS_URL") }
    /// Nodes of a Redis cluster, comma-separated `redis://host:port` URLs.
    static var redisClusterURLs: String? { ServiceEnvironment.value("MERCATO_TEST_REDIS_CLUSTER_URLS") }
    static var redisClusterEnabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_REDIS_CLUSTER_URLS") }
    static var s3Endpoint: String? { ServiceEnvironment.value("MERCATO_TEST_S3_ENDPOINT") }
    static var s3Enabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_S3_ENDPOINT") }

    /// Testing settings whose cache is the test Redis server.
    static func redisTestingSettings() throws -> Settings {
        let url = try #require(
            redisURL.flatMap(URL.init(string:)), "MERCATO_REQUIRE_SERVICES=1 but MERCATO_TEST_REDIS_URL is not set")
        var settings = try TestSupport.settings()
        settings.adapters.cache = .redis
        settings.redis.host = url.host
        settings.redis.port = url.port ?? 6379
        return settings
    }

    /// The test cluster's nodes as the cluster client's seeds.
    static func redisClusterSeeds() throws -> [RedisNodeAddress] {
        let urls = try #require(
            redisClusterURLs, "MERCATO_REQUIRE_SERVICES=1 but MERCATO_TEST_REDIS_CLUSTER_URLS is not set")
        return try urls.split(separator: ",").map {
            let node = try RedisConfiguration(url: $0.trimmingCharacters(in: .whitespaces))
            return RedisNodeAddress(host: node.host, port: node.port)
        }
    }
}
