import Fluent
import Foundation

/// One recorded operational action, e.g. a migration batch applied by an operator.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "action") var action: String
    @Field(key: "actor") var actor: String
    @Field(key: "details") var details: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(action: String, actor: String, details: String, at date: Date = Date()) {
        self.action = action
        self.actor = actor
        self.details = details
        self.createdAt = date
    }
}

/// Writes and reads the audit trail.
struct AuditLog {
    let database: any Database

    func record(action: String, actor: String, details: String) async throws {
        try await AuditEvent(action: action, actor: actor, details: details).create(on: database)
    }

    func recent(limit: Int = 50) async throws -> [AuditEvent] {
        try await AuditEvent.query(on: database).sort(\.$createdAt, .descending).limit(limit).all()
    }
}
