import Fluent
import SQLKit
import Vapor

/// Readiness of the primary database: a `SELECT 1` that must answer within the timeout.
struct DatabaseHealthCheck: HealthCheck {
    let name = "database"
    var timeout: Duration = .seconds(2)

    func check(on request: Request) async -> DependencyHealth {
        let database = request.db
        return await measure(timeout: timeout, failed: .down, on: request) {
            guard let sql = database as? any SQLDatabase else { return }
            _ = try await sql.raw("SELECT 1 AS ok").first()
        }
    }
}
