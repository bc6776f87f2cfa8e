import Fluent
import Vapor

/// Applies and reverts the ordered migration list, previews either without touching the schema,
/// and writes each batch to the audit trail.
struct MigrationRunner {
    let app: Application

    /// Names of migrations not yet applied, in the order they would run.
    func pending() async throws -> [String] {
        guard try await hasMigrationLog() else { return MigrationList.all.map(\.name) }
        return try await app.migrator.previewPrepareBatch().get().map { $0.0.name }
    }

    /// Names of applied migrations a revert would undo, in revert order.
    func applied(lastBatchOnly: Bool) async throws -> [String] {
        guard try await hasMigrationLog() else { return [] }
        let preview =
            lastBatchOnly
            ? try await app.migrator.previewRevertLastBatch().get()
            : try await app.migrator.previewRevertAllBatches().get()
        return preview.map { $0.0.name }
    }

    func apply(actor: String) async throws {
        let names = try await pending()
        guard !names.isEmpty else { return }
        try await app.autoMigrate()
        try await AuditLog(database: app.db).record(
            action: "schema.migrated", actor: actor, details: names.joined(separator: ", "))
    }

    func revert(lastBatchOnly: Bool, actor: String) async throws {
        let names = try await applied(lastBatchOnly: lastBatchOnly)
        guard !names.isEmpty else { return }
        try await app.migrator.setupIfNeeded().get()
        if lastBatchOnly {
            try await app.migrator.revertLastBatch().get()
        } else {
            try await app.migrator.revertAllBatches().get()
        }
        // The audit table itself may have just been reverted; then there is nowhere to write.
        if try await SchemaInspector(app.db).tableNames().contains(AuditEvent.schema) {
            try await AuditLog(database: app.db).record(
                action: "schema.reverted", actor: actor, details: names.joined(separator: ", "))
        }
    }

    private func hasMigrationLog() async throws -> Bool {
        try await SchemaInspector(app.db).tableNames().contains("_fluent_migrations")
    }
}
