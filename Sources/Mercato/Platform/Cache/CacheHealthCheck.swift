import Vapor

/// Readiness of the cache: a failing cache degrades the instance (it still serves from the
/// database) rather than taking it out of the load balancer.
struct CacheHealthCheck: HealthCheck {
    let name = "cache"
    let cache: ResilientCache
    var timeout: Duration = .seconds(1)

    func check(on request: Request) async -> DependencyHealth {
        let backend = cache.backend
        var health = await measure(timeout: timeout, failed: .degraded, on: request) {
            _ = try await backend.get("health:probe")
        }
        if health.status == .degraded { health.message = "unreachable; serving from the database" }
        return health
    }
}
