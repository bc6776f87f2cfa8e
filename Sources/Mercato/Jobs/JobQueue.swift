import Fluent
import Foundation
import SQLKit
import Vapor

/// The database-backed job queue: the transactional outbox other domains write to, and the
/// claiming and bookkeeping the worker does.
///
/// Every operation takes the database explicitly, so `enqueue` joins the caller's transaction: the
/// job exists if and only if the change that caused it commits.
enum JobQueue {
    /// The largest `maxAttempts` accepted; beyond it a job would retry for weeks.
    static let attemptLimit = 100

    /// Queues a job in the caller's transaction.
    ///
    ///     try await app.db.transaction { db in
    ///         try await order.save(on: db)
    ///         try await JobQueue.enqueue(.sendOrderConfirmation, payload: OrderRef(id: orderID), on: db)
    ///     }
    ///
    /// - Parameters:
    ///   - kind: names the handler that will run it.
    ///   - payload: stored as JSON; the handler registered for `kind` decodes it.
    ///   - runAt: not before this time (now by default).
    ///   - maxAttempts: runs before the job is declared dead, 1–100.
    ///   - db: the caller's database or transaction.
    /// - Returns: the new job's id.
    @discardableResult
    static func enqueue(
        _ kind: JobKind, payload: some Encodable & Sendable, runAt: Date = Date(), maxAttempts: Int = 8,
        on db: any Database
    ) async throws -> UUID {
        guard (1...attemptLimit).contains(maxAttempts) else { throw JobQueueError.invalidMaxAttempts(maxAttempts) }
        let json: String
        do {
            json = String(decoding: try JSONEncoder.api.encode(payload), as: UTF8.self)
        } catch {
            throw JobQueueError.payloadNotEncodable(kind: kind, underlying: error)
        }
        let id = UUID()
        let now = Date()
        try await db.sql.insert(into: "jobs")
            .columns(
                "id", "kind", "payload", "status", "attempts", "max_attempts", "run_at", "created_at", "updated_at"
            )
            .values(
                SQLBind(id), SQLBind(kind.rawValue), SQLBind(json), SQLBind(JobStatus.queued.rawValue), SQLBind(0),
                SQLBind(maxAttempts), SQLBind(runAt), SQLBind(now), SQLBind(now)
            )
            .run()
        return id
    }

    /// Claims up to `limit` due jobs for `worker`, leasing them until `leaseUntil`: queued jobs whose
    /// time has come, and running jobs whose lease expired (their worker died). Each claim counts as
    /// an attempt.
    ///
    /// PostgreSQL locks candidate rows with `FOR UPDATE SKIP LOCKED`, so any number of workers claim
    /// disjoint sets; SQLite serialises writers, so its single statement is atomic on its own.
    static func claim(
        limit: Int, worker: String, leaseUntil: Date, now: Date = Date(), on db: any Database
    ) async throws -> [JobRecord] {
        guard limit > 0 else { return [] }
        let sql = try db.sql
        let lockClause: SQLQueryString = db.isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        let query: SQLQueryString = """
            UPDATE jobs SET status = \(bind: JobStatus.running.rawValue), attempts = attempts + 1, \
            locked_by = \(bind: worker), locked_until = \(bind: leaseUntil), updated_at = \(bind: now) \
            WHERE id IN (SELECT id FROM jobs \
            WHERE (status = \(bind: JobStatus.queued.rawValue) AND run_at <= \(bind: now)) \
            OR (status = \(bind: JobStatus.running.rawValue) AND locked_until < \(bind: now) \
            AND attempts < max_attempts) \
            ORDER BY run_at LIMIT \(bind: limit)\(lockClause)) \
            RETURNING \(unsafeRaw: JobRecord.columns.joined(separator: ", "))
            """
        return try await sql.raw(query).all().map(JobRecord.init(row:))
    }

    /// Declares dead every job whose worker died during its final attempt, so a job that kills its
    /// process can't take down worker after worker.
    /// - Returns: the kinds of the jobs declared dead, for metrics.
    static func buryAbandonedFinalAttempts(now: Date = Date(), on db: any Database) async throws -> [JobKind] {
        let reason = "the worker running the final attempt stopped before finishing it (lease expired)"
        let rows = try await db.sql.raw(
            """
            UPDATE jobs SET status = \(bind: JobStatus.dead.rawValue), last_error = \(bind: reason), \
            locked_by = NULL, locked_until = NULL, updated_at = \(bind: now), finished_at = \(bind: now) \
            WHERE status = \(bind: JobStatus.running.rawValue) AND locked_until < \(bind: now) \
            AND attempts >= max_attempts RETURNING kind
            """
        ).all()
        return try rows.map { JobKind(try $0.decode(column: "kind", as: String.self)) }
    }

    /// Records success. Only the worker holding the lease may: if its lease expired and another
    /// worker took the job over, this changes nothing and returns `false`.
    @discardableResult
    static func markSucceeded(_ id: UUID, worker: String, now: Date = Date(), on db: any Database) async throws
        -> Bool
    {
        try await finish(
            id, worker: worker, on: db,
            set: """
                status = \(bind: JobStatus.succeeded.rawValue), last_error = NULL, locked_by = NULL, \
                locked_until = NULL, updated_at = \(bind: now), finished_at = \(bind: now)
                """)
    }

    /// Puts a failed job back in the queue to run again at `retryAt`.
    @discardableResult
    static func markForRetry(
        _ id: UUID, worker: String, error: String, retryAt: Date, now: Date = Date(), on db: any Database
    ) async throws -> Bool {
        try await finish(
            id, worker: worker, on: db,
            set: """
                status = \(bind: JobStatus.queued.rawValue), last_error = \(bind: error), run_at = \(bind: retryAt), \
                locked_by = NULL, locked_until = NULL, updated_at = \(bind: now)
                """)
    }

    /// Gives up on a job: it waits in the dead letters for an operator.
    @discardableResult
    static func markDead(_ id: UUID, worker: String, error: String, now: Date = Date(), on db: any Database)
        async throws -> Bool
    {
        try await finish(
            id, worker: worker, on: db,
            set: """
                status = \(bind: JobStatus.dead.rawValue), last_error = \(bind: error), locked_by = NULL, \
                locked_until = NULL, updated_at = \(bind: now), finished_at = \(bind: now)
                """)
    }

    /// Keeps a long job's lease alive so no other worker takes it over while it still runs.
    @discardableResult
    static func extendLease(_ id: UUID, worker: String, until: Date, on db: any Database) async throws -> Bool {
        try await finish(id, worker: worker, on: db, set: "locked_until = \(bind: until)")
    }

    private static func finish(_ id: UUID, worker: String, on db: any Database, set: SQLQueryString) async throws
        -> Bool
    {
        let rows = try await db.sql.raw(
            """
            UPDATE jobs SET \(set) WHERE id = \(bind: id) AND status = \(bind: JobStatus.running.rawValue) \
            AND locked_by = \(bind: worker) RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    /// Jobs in one state, for operators: due or oldest first for waiting jobs, newest first once done.
    static func list(status: JobStatus, limit: Int, on db: any Database) async throws -> [JobRecord] {
        let order: SQLQueryString =
            switch status {
            case .queued, .running: "run_at ASC, created_at ASC"
            case .succeeded, .dead: "updated_at DESC, created_at DESC"
            }
        return try await db.sql.raw(
            """
            SELECT \(unsafeRaw: JobRecord.columns.joined(separator: ", ")) FROM jobs \
            WHERE status = \(bind: status.rawValue) ORDER BY \(order) LIMIT \(bind: limit)
            """
        ).all().map(JobRecord.init(row:))
    }

    static func find(_ id: UUID, on db: any Database) async throws -> JobRecord? {
        try await db.sql.raw(
            "SELECT \(unsafeRaw: JobRecord.columns.joined(separator: ", ")) FROM jobs WHERE id = \(bind: id)"
        ).first().map(JobRecord.init(row:))
    }

    /// How many jobs are in `status` (the queue-depth gauge).
    static func count(_ status: JobStatus, on db: any Database) async throws -> Int {
        try await db.sql.raw("SELECT COUNT(*) AS n FROM jobs WHERE status = \(bind: status.rawValue)").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }

    /// Sends a dead job back to the queue, due now, with a fresh set of attempts.
    /// - Throws: `JobRetryError.notFound` or `.notDead` (nothing changes then).
    static func retry(_ id: UUID, now: Date = Date(), on db: any Database) async throws -> JobRecord {
        let row = try await db.sql.raw(
            """
            UPDATE jobs SET status = \(bind: JobStatus.queued.rawValue), attempts = 0, run_at = \(bind: now), \
            locked_by = NULL, locked_until = NULL, finished_at = NULL, updated_at = \(bind: now) \
            WHERE id = \(bind: id) AND status = \(bind: JobStatus.dead.rawValue) \
            RETURNING \(unsafeRaw: JobRecord.columns.joined(separator: ", "))
            """
        ).first()
        if let row { return try JobRecord(row: row) }
        guard let existing = try await find(id, on: db) else { throw JobRetryError.notFound(id) }
        throw JobRetryError.notDead(id, existing.status)
    }
}

/// Why an operator's retry was refused.
enum JobRetryError: AppError, Equatable {
    case notFound(UUID)
    case notDead(UUID, JobStatus)

    var code: String {
        switch self {
        case .notFound: "not_found"
        case .notDead: "job_not_dead"
        }
    }

    var status: HTTPResponseStatus {
        switch self {
        case .notFound: .notFound
        case .notDead: .conflict
        }
    }

    var reason: String {
        switch self {
        case .notFound(let id): "no job \(id.uuidString.lowercased())"
        case .notDead(let id, let status):
            "job \(id.uuidString.lowercased()) is \(status.rawValue); only dead jobs can be retried"
        }
    }
}
