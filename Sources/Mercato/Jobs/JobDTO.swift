import Foundation
import Vapor

/// A job as the Admin API and `mercato jobs list` show it.
struct JobDTO: Content, Equatable {
    var id: UUID
    var kind: String
    var status: JobStatus
    var attempts: Int
    var maxAttempts: Int
    var runAt: Date
    var lockedBy: String?
    var lockedUntil: Date?
    var lastError: String?
    /// The stored JSON, as text: handlers own its shape.
    var payload: String
    var createdAt: Date
    var updatedAt: Date
    var finishedAt: Date?

    /// `{"jobs": [...]}`, so the list can gain paging fields without breaking clients.
    struct List: Content {
        var jobs: [JobDTO]
    }
}

extension JobRecord {
    func toDTO() -> JobDTO {
        JobDTO(
            id: id, kind: kind.rawValue, status: status, attempts: attempts, maxAttempts: maxAttempts, runAt: runAt,
            lockedBy: lockedBy, lockedUntil: lockedUntil, lastError: lastError, payload: payload, createdAt: createdAt,
            updatedAt: updatedAt, finishedAt: finishedAt)
    }
}
