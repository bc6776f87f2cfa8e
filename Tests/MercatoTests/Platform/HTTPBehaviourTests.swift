import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

@Suite struct HTTPBehaviourTests {
    @Test func livenessAnswersOK() async throws {
        try await TestSupport.withApp { app in
            try await app.testing().test(.GET, "/health/live") { response in
                #expect(response.status == .ok)
                let livenessSaysOK = try response.content.decode(HealthRoutes.Liveness.self).status == "ok"
                #expect(livenessSaysOK)
            }
        }
    }

    @Test func readinessReportsTheDatabase() async throws {
        try await TestSupport.withApp { app in
            let (status, body) = try await TestSupport.readiness(of: app)
            #expect(status == .ok)
            #expect(body?.status == "ok")
            #expect(body?.checks["database"]?.status == .up)
        }
    }

    @Test func readinessIs503WhenTheDatabaseIsDown() async throws {
        // setup: PostgreSQL on a port nothing listens on
        var settings = try TestSupport.settings()
        settings.database = .postgres(
            PostgresSettings(
                host: "127.0.0.1", port: 1, username: "nobody", password: "x", database: "none", ssl: false,
                maxConnections: 1))
        try await TestSupport.withApp(settings, migrate: false) { app in
            // MUT
            try await app.testing().test(.GET, "/health/ready") { response in
                // validate
                #expect(response.status == .serviceUnavailable)
                let body = try response.content.decode(HealthRoutes.Readiness.self)
                #expect(body.status == "unavailable")
                #expect(body.checks["database"]?.status == .down)
                #expect(!response.body.string.contains("127.0.0.1"))
            }
            try await app.testing().test(.GET, "/health/live") { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func versionReportsBuildAndEnvironment() async throws {
        try await TestSupport.withApp { app in
            try await app.testing().test(.GET, "/version") { response in
                let info = try response.content.decode(VersionRoutes.VersionInfo.self)
                let file = try String(
                    contentsOf: TestSupport.repositoryRoot.appendingPathComponent("VERSION"), encoding: .utf8)
                #expect(info.version == file.trimmingCharacters(in: .whitespacesAndNewlines))
                #expect(!info.commit.isEmpty)
                #expect(!info.builtAt.isEmpty)
                #expect(info.environment == "testing")
            }
        }
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        try await TestSupport.withApp { app in
            // setup
            try await app.testing().test(.GET, "/health/live") { _ in }
            try await app.testing().test(.GET, "/health/live") { _ in }
            try await app.testing().test(.GET, "/no/such/page") { _ in }
            // MUT
            try await app.testing().test(.GET, "/metrics") { response in
                // validate
                let text = response.body.string
                #expect(response.headers.contentType?.subType == "plain")
                #expect(text.contains(#"http_requests_total{method="GET",route="/health/live",status="200"} 2"#))
                #expect(text.contains(#"http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
                #expect(
                    text.contains(
                        #"http_request_duration_seconds_bucket{method="GET",route="/health/live",status="200",le="+Inf"} 2"#
                    ))
                #expect(text.contains("http_requests_in_flight"))
                #expect(text.contains("mercato_database_pool_size_connections 1"))
                #expect(text.contains("mercato_database_pool_in_use_connections"))
            }
        }
    }

    @Test func requestIDIsGeneratedOrEchoed() async throws {
        try await TestSupport.withApp { app in
            try await app.testing().test(.GET, "/health/live") { response in
                let id = try #require(response.headers.first(name: "X-Request-ID"))
                #expect(UUID(uuidString: id) != nil)
            }
            try await app.testing().test(.GET, "/health/live", headers: ["X-Request-ID": "lb-trace:42.a_b"]) {
                response in
                #expect(response.headers.first(name: "X-Request-ID") == "lb-trace:42.a_b")
            }
        }
    }

    @Test func invalidRequestIDIsRefusedWithJSON() async throws {
        try await TestSupport.withApp { app in
            for bad in ["has space", String(repeating: "x", count: 129), "<script>", "a\"b"] {
                try await app.testing().test(.GET, "/health/live", headers: ["X-Request-ID": bad]) { response in
                    #expect(response.status == .badRequest)
                    let body = try response.content.decode(ErrorBody.self)
                    #expect(body.error.code == "invalid_request_id")
                    #expect(response.headers.first(name: "X-Request-ID") == body.error.requestId)
                    #expect(body.error.requestId != bad)
                }
            }
        }
    }

    @Test func apiNotFoundIsJSONWithRequestID() async throws {
        try await TestSupport.withApp { app in
            try await app.testing().test(
                .GET, "/api/v1/nothing", headers: ["Accept": "text/html", "X-Request-ID": "req-1"]
            ) {
                response in
                #expect(response.status == .notFound)
                let body = try response.content.decode(ErrorBody.self)
                #expect(body.error == .init(code: "not_found", message: "Not Found", requestId: "req-1"))
            }
        }
    }

    @Test func browsersGetAnErrorPage() async throws {
        try await TestSupport.withApp { app in
            try await app.testing().test(.GET, "/missing-page", headers: ["Accept": "text/html"]) { response in
                #expect(response.status == .notFound)
                #expect(response.headers.contentType == .html)
                #expect(response.body.string.contains("404 · Not Found"))
            }
        }
    }

    @Test func serverErrorsHideInternals() async throws {
        struct LeakyError: Error, CustomStringConvertible {
            var description: String { "SELECT * FROM customers WHERE secret = 1 at /work/Sources/Secret.swift:12" }
        }
        try await TestSupport.withApp { app in
            // setup: a route that fails the way a broken query would
            app.get("api", "boom") { _ -> String in throw LeakyError() }
            // MUT
            try await app.testing().test(.GET, "/api/boom") { response in
                // validate
                #expect(response.status == .internalServerError)
                let body = try response.content.decode(ErrorBody.self)
                #expect(body.error.code == "internal_error")
                #expect(!response.body.string.contains("SELECT"))
                #expect(!response.body.string.contains(".swift"))
            }
        }
    }

    @Test func malformedJSONBodyIsA400() async throws {
        struct Payload: Content {
            var quantity: Int
        }
        try await TestSupport.withApp { app in
            app.post("api", "echo") { req -> Payload in try req.content.decode(Payload.self) }
            try await app.testing().test(
                .POST, "/api/echo", headers: ["Content-Type": "application/json"],
                body: ByteBuffer(string: "{\"quantity\": \"x\"}")
            ) { response in
                #expect(response.status == .badRequest)
                let isClientError = try response.content.decode(ErrorBody.self).error.code != "internal_error"
                #expect(isClientError)
            }
        }
    }

    @Test func homePageRendersWithFeatureFlags() async throws {
        try await TestSupport.withApp { app in
            try await app.testing().test(.GET, "/") { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("Welcome to Mercato"))
                #expect(response.body.string.contains("Customer reviews are on"))
            }
        }
        let reviewsOff = try TestSupport.settings(variables: ["MERCATO_FEATURES_REVIEW_SYSTEM": "false"])
        try await TestSupport.withApp(reviewsOff) { app in
            try await app.testing().test(.GET, "/") { response in
                #expect(!response.body.string.contains("Customer reviews are on"))
            }
        }
    }

    @Test func apiRoleDoesNotServeTheStorefront() async throws {
        try await TestSupport.withApp(role: .api) { app in
            try await app.testing().test(.GET, "/") { response in
                #expect(response.status == .notFound)
            }
            try await app.testing().test(.GET, "/health/ready") { response in
                #expect(response.status == .ok)
            }
        }
    }
}
