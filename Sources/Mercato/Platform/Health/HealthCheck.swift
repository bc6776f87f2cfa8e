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

extension HealthCheck {
    /// Runs `probe` within `timeout`: `up` with its latency, or `failed` (`down` or `degraded`) with
    /// an operator-facing reason; the underlying error goes to the log only.
    func measure(
        timeout: Duration, failed: DependencyHealth.Status, on request: Request,
        _ probe: @escaping @Sendable () async throws -> Void
    ) async -> DependencyHealth {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await withDeadline(timeout, probe)
            let elapsed = clock.now - start
            return DependencyHealth(status: .up, latencyMs: Int((elapsed / .milliseconds(1)).rounded()))
        } catch is DeadlineExceeded {
            request.logger.warning("\(name) readiness timed out", metadata: ["timeout": "\(timeout)"])
            return DependencyHealth(status: failed, message: "no answer within \(timeout)")
        } catch {
            request.logger.warning("\(name) readiness failed", metadata: ["error": "\(String(reflecting: error))"])
            return DependencyHealth(status: failed, message: "unreachable")
        }
    }
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
