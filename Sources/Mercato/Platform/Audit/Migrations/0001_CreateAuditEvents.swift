import Fluent

/// The platform's audit trail: who changed what, starting with schema changes.
struct CreateAuditEvents: AsyncMigration {
    let name = "0001_create_audit_events"

    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .id()
            .field("action", .string, .required)
            .field("actor", .string, .required)
            .field("details", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_events").delete()
    }
}
