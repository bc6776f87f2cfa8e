import Foundation
import Prometheus
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Limits per client and route class, as a gateway in front would enforce them.
@Suite(.serialized) struct RequestThrottleTests {
    static let catalogue = [CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30)]

    private func withThrottledShop(_ body: (Application) async throws -> Void) async throws {
        var settings = try TestSupport.settings()
        settings.throttle = ThrottleSettings(
            enabled: true, limits: [.read: 5, .search: 3, .write: 4, .passwordReset: 2, .admin: 50], windowSeconds: 60)
        try await TestSupport.withApp(settings) { app in
            try await CatalogFixtures.insert(Self.catalogue, into: app)
            try await body(app)
        }
    }

    private func get(_ app: Application, _ path: String, from address: String) async throws -> (HTTPStatus, HTTPHeaders)
    {
        var result: (HTTPStatus, HTTPHeaders) = (.internalServerError, [:])
        try await app.testing().test(.GET, path, headers: ["X-Forwarded-For": address]) {
            result = ($0.status, $0.headers)
        }
        return result
    }

    @Test func aClientOverItsLimitWaitsAndOthersDoNot() async throws {
        try await withThrottledShop { app in
            // MUT: six product reads from one client, then one from another
            var statuses: [HTTPStatus] = []
            var last: HTTPHeaders = [:]
            for _ in 0..<6 {
                let (status, headers) = try await get(app, "/api/v1/products/basic-tee", from: "203.0.113.1")
                statuses.append(status)
                last = headers
            }
            let other = try await get(app, "/api/v1/products/basic-tee", from: "203.0.113.2")
            // validate: the sixth waits, with how long and where it stands; the other client is served
            #expect(statuses == [.ok, .ok, .ok, .ok, .ok, .tooManyRequests])
            #expect(Int(last.first(name: "Retry-After") ?? "") ?? 0 >= 1)
            #expect(last.first(name: "RateLimit-Limit") == "5")
            #expect(last.first(name: "RateLimit-Remaining") == "0")
            #expect(other.0 == .ok)
            #expect(other.1.first(name: "RateLimit-Remaining") == "4")
        }
    }

    @Test func classesCountApartAndProbesAreNeverLimited() async throws {
        try await withThrottledShop { app in
            // MUT: searches run out before reads; health checks go on
            var searches: [HTTPStatus] = []
            for _ in 0..<4 { searches.append(try await get(app, "/api/v1/search?q=tee", from: "198.51.100.9").0) }
            let read = try await get(app, "/api/v1/products/basic-tee", from: "198.51.100.9")
            var probes: [HTTPStatus] = []
            for _ in 0..<20 { probes.append(try await get(app, "/health/live", from: "198.51.100.9").0) }
            // validate
            #expect(searches == [.ok, .ok, .ok, .tooManyRequests])
            #expect(read.0 == .ok)
            #expect(probes.allSatisfy { $0 == .ok })
        }
    }

    @Test func passwordResetRequestsAreLimitedPerClient() async throws {
        try await withThrottledShop { app in
            var statuses: [HTTPStatus] = []
            for index in 0..<3 {
                let (status, _) = try await CommerceFixtures.send(
                    app, .POST, "/api/v1/auth/password-reset", headers: ["X-Forwarded-For": "192.0.2.50"],
                    json: ["email": "someone\(index)@example.com"])
                statuses.append(status)
            }
            #expect(statuses == [.accepted, .accepted, .tooManyRequests])
        }
    }

    @Test(.enabled(if: TestServices.redisEnabled)) func instancesSharingRedisShareTheLimit() async throws {
        // setup: two instances on one Redis, four reads per client
        var settings = try TestServices.redisTestingSettings()
        settings.throttle = ThrottleSettings(enabled: true, limits: [.read: 4], windowSeconds: 60)
        let client = "198.18.\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
        try await TestSupport.withApp(settings) { first in
            try await CatalogFixtures.insert(Self.catalogue, into: first)
            try await TestSupport.withApp(settings) { second in
                try await CatalogFixtures.insert(Self.catalogue, into: second)
                // act: the client alternates between the instances
                var statuses: [HTTPStatus] = []
                for index in 0..<5 {
                    statuses.append(
                        try await get(index.isMultiple(of: 2) ? first : second, "/health/ready", from: client).0)
                    statuses.append(
                        try await get(index.isMultiple(of: 2) ? first : second, "/api/v1/products", from: client).0)
                }
                // verify: probes never count; the fifth read is refused whichever instance it reaches
                #expect(
                    statuses.enumerated().filter { $0.offset % 2 == 1 }.map(\.element) == [
                        .ok, .ok, .ok, .ok, .tooManyRequests,
                    ])
            }
        }
    }

    @Test func whenTheCacheFailsRequestsGoThroughAndAreCounted() async throws {
        // setup: a Redis cache that isn't there
        let absent = try DisposableRedis()
        var settings = try TestSupport.settings()
        settings.adapters.cache = .redis
        settings.redis.host = "127.0.0.1"
        settings.redis.port = absent.port
        settings.throttle = ThrottleSettings(enabled: true, limits: [.read: 1], windowSeconds: 60)
        try await TestSupport.withApp(settings) { app in
            try await CatalogFixtures.insert(Self.catalogue, into: app)
            // act
            var statuses: [HTTPStatus] = []
            for _ in 0..<3 { statuses.append(try await get(app, "/api/v1/products", from: "192.0.2.77").0) }
            // verify: the shop serves, without limits it can't check, and the metric says so
            #expect(statuses == [.ok, .ok, .ok])
            let metrics = app.metrics.registry.emitToString()
            #expect(metrics.contains("mercato_throttle_unavailable_total 3"))
        }
    }

    @Test func routeClasses() {
        #expect(RequestThrottle.routeClass(method: .POST, path: "/api/v1/webhooks/payments") == nil)
        #expect(RequestThrottle.routeClass(method: .GET, path: "/static/site.abc.css") == nil)
        #expect(RequestThrottle.routeClass(method: .POST, path: "/api/v1/auth/login") == .signIn)
        #expect(RequestThrottle.routeClass(method: .POST, path: "/api/v1/checkout") == .checkout)
        #expect(RequestThrottle.routeClass(method: .POST, path: "/api/v1/orders/x/payment") == .payment)
        #expect(RequestThrottle.routeClass(method: .GET, path: "/search") == .search)
        #expect(RequestThrottle.routeClass(method: .POST, path: "/api/v1/carts") == .write)
        #expect(RequestThrottle.routeClass(method: .GET, path: "/c/shoes") == .read)
        #expect(RequestThrottle.routeClass(method: .POST, path: "/api/v1/admin/sessions") == .signIn)
        #expect(RequestThrottle.routeClass(method: .POST, path: "/api/v1/admin/access") == .passwordReset)
        #expect(RequestThrottle.routeClass(method: .POST, path: "/admin/access/abc") == .passwordReset)
        #expect(RequestThrottle.routeClass(method: .POST, path: "/api/v1/admin/password-reset") == .passwordReset)
        #expect(RequestThrottle.routeClass(method: .GET, path: "/api/v1/admin/orders") == .admin)
        #expect(RequestThrottle.routeClass(method: .GET, path: "/api/v1/auth/password-reset") == .read)
    }
}
