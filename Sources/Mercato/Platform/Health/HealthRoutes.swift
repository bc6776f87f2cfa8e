import Vapor

/// Liveness and readiness probes for load balancers and orchestrators.
struct HealthRoutes: RouteCollection {
    struct Liveness: Content {
        var status = "ok"
    }

    struct Readiness: Content {
        var status: String
        var checks: [String: DependencyHealth]
    }

    func boot(routes: any RoutesBuilder) throws {
        let health = routes.grouped("health")
        health.get("live") { _ in Liveness() }
        health.get("ready", use: ready)
    }

    /// 200 while every dependency is up or degraded, 503 as soon as one is down.
    func ready(req: Request) async throws -> Response {
        var checks: [String: DependencyHealth] = [:]
        for check in req.application.healthChecks {
            checks[check.name] = await check.check(on: req)
        }
        let ready = !checks.values.contains { $0.status == .down }
        let body = Readiness(status: ready ? "ok" : "unavailable", checks: checks)
        let response = try await body.encodeResponse(status: ready ? .ok : .serviceUnavailable, for: req)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }
}
