import Fluent
import SQLKit

/// The background job queue (issue 4): one row per job, written in the same transaction as the
/// change that causes it, claimed by workers through `status`, `run_at` and a lease.
struct CreateJobs: AsyncMigration {
    let name = "0030_create_jobs"

    func prepare(on database: any Database) async throws {
        try await database.schema("jobs")
            .id()
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("max_attempts", .int, .required)
            .field("run_at", .datetime, .required)
            .field("locked_by", .string)
            .field("locked_until", .datetime)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
        // Workers ask "queued and due, oldest first" and "running with an expired lease".
        try await database.sql.create(index: "idx_jobs_claim").on("jobs").column("status").column("run_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("jobs").delete()
    }
}
