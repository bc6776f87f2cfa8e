import Foundation
import SQLKit

/// One row of the `jobs` table, as the queue, the worker and the operator views read it.
struct JobRecord: Sendable, Equatable {
    var id: UUID
    var kind: JobKind
    var payload: String
    var status: JobStatus
    /// Runs started so far, including the one in progress.
    var attempts: Int
    var maxAttempts: Int
    var runAt: Date
    var lockedBy: String?
    var lockedUntil: Date?
    var lastError: String?
    var createdAt: Date
    var updatedAt: Date
    var finishedAt: Date?

    /// The columns `init(row:)` reads, for `SELECT` and `RETURNING` lists.
    static let columns = [
        "id", "kind", "payload", "status", "attempts", "max_attempts", "run_at", "locked_by", "locked_until",
        "last_error", "created_at", "updated_at", "finished_at",
    ]

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: UUID.self)
        kind = JobKind(try row.decode(column: "kind", as: String.self))
        payload = try row.decode(column: "payload", as: String.self)
        let rawStatus = try row.decode(column: "status", as: String.self)
        guard let status = JobStatus(rawValue: rawStatus) else {
            throw JobQueueError.corruptRow(id: id, problem: "unknown status '\(rawStatus)'")
        }
        self.status = status
        attempts = try row.decode(column: "attempts", as: Int.self)
        maxAttempts = try row.decode(column: "max_attempts", as: Int.self)
        runAt = try row.decode(column: "run_at", as: Date.self)
        lockedBy = try row.decode(column: "locked_by", as: String?.self)
        lockedUntil = try row.decode(column: "locked_until", as: Date?.self)
        lastError = try row.decode(column: "last_error", as: String?.self)
        createdAt = try row.decode(column: "created_at", as: Date.self)
        updatedAt = try row.decode(column: "updated_at", as: Date.self)
        finishedAt = try row.decode(column: "finished_at", as: Date?.self)
    }
}

/// Problems of the queue itself (not of a job's handler).
enum JobQueueError: Error, CustomStringConvertible {
    case payloadNotEncodable(kind: JobKind, underlying: any Error)
    case invalidMaxAttempts(Int)
    case corruptRow(id: UUID, problem: String)

    var description: String {
        switch self {
        case .payloadNotEncodable(let kind, let underlying):
            "the payload of a '\(kind)' job could not be encoded as JSON: \(underlying)"
        case .invalidMaxAttempts(let value): "maxAttempts must be between 1 and 100, got \(value)"
        case .corruptRow(let id, let problem): "job \(id) is unreadable: \(problem)"
        }
    }
}
