import Fluent
import Foundation
import Prometheus
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// A redis-server of the test's own, so it can be stopped and started again.
final class DisposableRedis {
    let port = Int.random(in: 41_000...43_000)
    let directory: URL
    private var process: Process?

    init() throws {
        directory = try TestSupport.temporaryDirectory()
    }

    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
            directory.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        try await Task.sleep(for: .milliseconds(300))
    }

    /// SIGKILL, like a crashed or fenced-off server; also the one signal a child can't have blocked
    /// (it inherits the signal mask of the test process's threads).
    func stop() {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        process = nil
    }

    /// An app on a migrated in-memory database whose cache is a Redis of its own, running.
    static func withMigratedApp(_ body: (Application, DisposableRedis) async throws -> Void) async throws {
        let redis = try DisposableRedis()
        try await redis.start()
        var settings = try TestSupport.settings()
        settings.adapters.cache = .redis
        settings.redis.host = "127.0.0.1"
        settings.redis.port = redis.port
        try await TestSupport.withApp(settings, migrate: false) { app in
            try await app.autoMigrate()
            try await body(app, redis)
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// With Redis gone the shop keeps serving from the database, says so, and uses Redis again once it is back.
@Suite(.enabled(if: TestServices.redisEnabled), .serialized) struct CacheOutageTests {
    private func readiness(_ app: Application) async throws -> HealthRoutes.Readiness? {
        var body: HealthRoutes.Readiness?
        try await app.testing().test(.GET, "/health/ready") { response in
            #expect(response.status == .ok)  // a cache outage degrades, it doesn't take the instance out
            body = try response.content.decode(HealthRoutes.Readiness.self)
        }
        return body
    }

    @Test func catalogueSurvivesRedisStoppingAndResumesAfterward() async throws {
        // setup
        try await DisposableRedis.withMigratedApp { app, redis in
            try await CatalogFixtures.insert([CatalogFixtures.product("Court Sneakers")], into: app)
            try await app.testing().test(.GET, "/api/v1/products") { #expect($0.status == .ok) }
            let before = try await readiness(app)
            #expect(before?.checks["cache"]?.status == .up)

            // MUT: Redis goes away
            redis.stop()
            try await app.testing().test(.GET, "/api/v1/products?sort=title") { response in
                #expect(response.status == .ok)
                let page = try response.content.decode(CatalogDTO.ProductPage.self)
                #expect(page.items.map(\.title) == ["Court Sneakers"])
            }
            let during = try await readiness(app)
            #expect(during?.checks["cache"]?.status == .degraded)
            #expect(during?.status == "ok")
            let metrics = app.metrics.registry.emitToString()
            #expect(metrics.contains("mercato_cache_fallbacks_total"))
            #expect(!metrics.contains("mercato_cache_fallbacks_total 0"))

            // MUT: Redis comes back on the same port
            try await redis.start()
            var resumed = false
            for _ in 0..<20 where !resumed {
                try await app.testing().test(.GET, "/api/v1/products") { #expect($0.status == .ok) }
                resumed = try await readiness(app)?.checks["cache"]?.status == .up
                if !resumed { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(resumed)
            let cached = try await app.dataCache.get(CatalogCache.versionKey)
            _ = cached  // reachable again: no throw, and the wrapper is no longer degraded
            let wrapper = try #require(app.dataCache as? ResilientCache)
            #expect(!wrapper.isDegraded)
        }
    }
}

/// Counting needs Redis; a customer signing in or checking out doesn't: with Redis gone both still
/// answer, never a 500.
@Suite(.enabled(if: TestServices.redisEnabled), .serialized) struct CacheOutageCommerceTests {
    @Test func signInAndCheckoutWorkWhileRedisIsDown() async throws {
        // setup: a shop on a Redis of its own, and a customer
        try await DisposableRedis.withMigratedApp { app, redis in
            try await CatalogFixtures.insert([CatalogFixtures.product("Court Sneakers", stock: 1)], into: app)
            _ = try await DemoCommerceSeeder(database: app.db).run()
            let account = ["email": "ana@example.com", "password": "correct horse battery", "name": "Ana"]
            let (registered, _) = try await CommerceFixtures.send(app, .POST, "/api/v1/customers", json: account)
            #expect(registered == .created)
            let cart = try await CommerceFixtures.createCart(app)
            try await CommerceFixtures.add(app, cart, sku: "SKU-court-sneakers", quantity: 1)

            // act: Redis goes away; a wrong password, the right one, and a checkout that sells out
            redis.stop()
            let login = { (password: String) in
                try await CommerceFixtures.send(
                    app, .POST, "/api/v1/auth/login", json: ["email": "ana@example.com", "password": password])
            }
            let wrong = try await login("wrong password here")
            let right = try await login("correct horse battery")
            let placed = try await CommerceFixtures.checkout(app, cart)

            // verify
            #expect(wrong.0 == .unauthorized)
            #expect(right.0 == .ok)
            #expect(placed.status == .created)
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (1, 1))
        }
    }
}

/// Two instances sharing Redis never serve a catalogue older than the version-refresh bound.
@Suite(.enabled(if: TestServices.redisEnabled), .serialized) struct SharedCacheInvalidationTests {
    @Test func anUpdateOnOneInstanceIsSeenByAnother() async throws {
        let settings = try TestServices.redisTestingSettings()
        // Both instances share one SQLite file and one Redis, as replicas share PostgreSQL and Redis.
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var shared = settings
        shared.database = .sqlite(path: directory.appendingPathComponent("shop.sqlite").path)
        try await TestSupport.withApp(shared, migrate: false) { first in
            try await first.autoMigrate()
            try await TestSupport.grantOwnerKey(on: first.db)
            try await first.catalogCache.invalidate()  // a clean version for this test's entries
            try await CatalogFixtures.insert([CatalogFixtures.product("Court Sneakers")], into: first)
            try await TestSupport.withApp(shared, migrate: false) { second in
                // setup: the first instance has the product page cached
                try await first.testing().test(.GET, "/api/v1/products/court-sneakers") { #expect($0.status == .ok) }
                // MUT: the second instance changes the product (an image upload)
                var headers: HTTPHeaders = [:]
                headers.bearerAuthorization = .init(token: "mk_test-owner-key")
                let png = [UInt8]([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0])
                try await second.testing().test(
                    .POST, "/api/v1/admin/products/court-sneakers/images", headers: headers,
                    body: ByteBuffer(bytes: png)
                ) { #expect($0.status == .created) }
                // validate: within the stated bound the first instance serves the new image
                try await Task.sleep(for: first.catalogCache.versionRefresh + .milliseconds(100))
                try await first.testing().test(.GET, "/api/v1/products/court-sneakers") { response in
                    let product = try response.content.decode(CatalogDTO.ProductDetail.self)
                    #expect(product.images.count == 1)
                }
            }
        }
    }
}
