import Fluent
import Prometheus
import Testing

@testable import Mercato

@Suite struct DatabasePoolMetricsTests {
    @Test func connectionsInUseFollowTransactions() async throws {
        try await TestSupport.withApp { app in
            let gauge = "mercato_database_pool_in_use_connections"
            // MUT: read the metrics while a transaction holds a connection
            let during = try await app.db.transaction { _ in app.metrics.registry.emitToString() }
            let after = app.metrics.registry.emitToString()
            // validate
            #expect(during.contains("\(gauge) 1.0"))
            #expect(after.contains("\(gauge) 0.0"))
        }
    }
}
