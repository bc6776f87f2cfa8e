import Vapor

/// Readiness of the cache: a failing cache degrades the instance (it still serves from the
/// database) rather than taking it out of the load balancer.
struct CacheHealthCheck: HealthCheck {
    let name = "cache"
    let cache: ResilientCache
    var timeout: Duration = .seconds(1)

    func check(on request: Request) async -> DependencyHealth {
        let backend = cache.backend
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await withDeadline(timeout) {
                _ = try await backend.get("health:probe")
            }
            let elapsed = clock.now - start
            return DependencyHealth(status: .up, latencyMs: Int((elapsed / .milliseconds(1)).rounded()))
        } catch {
            request.logger.warning("cache readiness failed", metadata: ["error": .string(String(describing: error))])
            return DependencyHealth(status: .degraded, message: "unreachable; serving from the database")
        }
    }
}
