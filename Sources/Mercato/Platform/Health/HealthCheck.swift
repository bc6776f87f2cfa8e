import Vapor

/// The state of one dependency as readiness reports it.
struct DependencyHealth: Content, Equatable {
    enum Status: String, Codable { case up, down, degraded }
    var status: Status
    var latencyMs: Int?
    /// An operator-facing reason; never SQL, hostnames or stack traces.
    var message: String?
}

/// A dependency readiness probes: the database now, the cache and others as they arrive.
protocol HealthCheck: Sendable {
    var name: String { get }
    /// A `down` dependency makes the instance unready; `degraded` still serves.
    func check(on request: Request) async -> DependencyHealth
}

extension Application {
    private struct HealthChecksKey: StorageKey {
        typealias Value = [any HealthCheck]
    }

    var healthChecks: [any HealthCheck] {
        get { storage[HealthChecksKey.self] ?? [] }
        set { storage[HealthChecksKey.self] = newValue }
    }
}
