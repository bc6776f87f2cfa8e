import Fluent
import Foundation
import Logging
import Vapor

/// What a job handler gets besides its payload.
struct JobContext: Sendable {
    let application: Application
    /// Carries `job-id`, `job-kind` and `attempt` metadata on every line.
    let logger: Logger
    /// The application's database; open a transaction on it for work that must be atomic.
    let db: any Database
    let jobID: UUID
    let kind: JobKind
    /// 1 on the first run.
    let attempt: Int
    let maxAttempts: Int

    /// `true` on the run after which a failure makes the job dead.
    var isFinalAttempt: Bool { attempt >= maxAttempts }
}
