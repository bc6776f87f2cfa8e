import Fluent
import Testing
import Vapor

@testable import Mercato

/// Migrate everything, revert everything, migrate again: the schema must come back identical and a
/// full revert must leave nothing behind — on both databases Mercato supports.
@Suite(.serialized) struct MigrationRoundTripTests {
    private func roundTrip(_ settings: Settings) async throws {
        try await TestSupport.withApp(settings, migrate: false) { app in
            let runner = MigrationRunner(app: app)
            // setup: start from an empty schema, whatever an earlier run left
            try await app.autoRevert()
            let allPending = try await runner.pending() == MigrationList.all.map(\.name)
            #expect(allPending)

            // MUT
            try await runner.apply(actor: "test")
            let migrated = try await SchemaInspector(app.db).describe()
            try await runner.revert(lastBatchOnly: false, actor: "test")
            let reverted = try await SchemaInspector(app.db).tableNames()
            try await runner.apply(actor: "test")
            let remigrated = try await SchemaInspector(app.db).describe()

            // validate
            #expect(reverted == ["_fluent_migrations"])
            #expect(migrated == remigrated)
            #expect(migrated.contains { $0.contains("audit_events") })
            let nonePending = try await runner.pending().isEmpty
            #expect(nonePending)
            let audit = try await AuditLog(database: app.db).recent()
            #expect(audit.map(\.action) == ["schema.migrated"])
        }
    }

    @Test func sqliteRoundTrip() async throws {
        try await roundTrip(try TestSupport.settings())
    }

    @Test(.enabled(if: TestServices.postgresEnabled)) func postgresRoundTrip() async throws {
        try await roundTrip(try await TestServices.postgresTestingSettings(suite: "migrations"))
    }

    @Test func revertWithNothingAppliedFindsNothing() async throws {
        try await TestSupport.withApp(migrate: false) { app in
            let runner = MigrationRunner(app: app)
            let nothingApplied = try await runner.applied(lastBatchOnly: true).isEmpty
            #expect(nothingApplied)
            // Previewing must not create Fluent's migration log.
            let noTablesCreated = try await SchemaInspector(app.db).tableNames().isEmpty
            #expect(noTablesCreated)
        }
    }

    @Test func everyMigrationHasAStableNumberedName() {
        let names = MigrationList.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names == names.sorted())
        #expect(names.allSatisfy { $0.prefix(4).allSatisfy(\.isNumber) && $0.dropFirst(4).first == "_" })
    }
}
