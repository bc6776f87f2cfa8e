import Fluent
import SQLKit
import Vapor

/// Readiness of the primary database: a `SELECT 1` that must answer within the timeout.
struct DatabaseHealthCheck: HealthCheck {
    let name = "database"
    var timeout: Duration = .seconds(2)

    func check(on request: Request) async -> DependencyHealth {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let database = request.db
            try await withDeadline(timeout) {
                guard let sql = database as? any SQLDatabase else { return }
                _ = try await sql.raw("SELECT 1 AS ok").first()
            }
            let elapsed = clock.now - start
            return DependencyHealth(status: .up, latencyMs: Int((elapsed / .milliseconds(1)).rounded()))
        } catch is DeadlineExceeded {
            request.logger.warning("database readiness timed out", metadata: ["timeout": "\(timeout)"])
            return DependencyHealth(status: .down, message: "no answer within \(timeout)")
        } catch {
            request.logger.warning("database readiness failed", metadata: ["error": "\(String(reflecting: error))"])
            return DependencyHealth(status: .down, message: "unreachable")
        }
    }
}
