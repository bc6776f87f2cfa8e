import Foundation
import Vapor

/// Boot-time setup of the job queue: the handler registry and the queue's own job kinds.
enum JobSetup {
    static func configure(_ app: Application) {
        app.jobs.installRegistry()
        app.jobs.register(.ping, payload: PingPayload.self) { payload, context in
            context.logger.notice("ping job started")
            if payload.sleepMilliseconds > 0 { try await Task.sleep(for: .milliseconds(payload.sleepMilliseconds)) }
            context.logger.notice("ping job done")
        }
    }
}

extension JobKind {
    /// The queue's own end-to-end check: `mercato jobs ping` enqueues one, and a working worker
    /// fleet runs it (after an optional pause, to watch a slow job drain on shutdown).
    static let ping = JobKind("jobs.ping")
}

/// The payload of a `jobs.ping` job.
struct PingPayload: Codable, Sendable {
    /// How long the job takes, 0–600 000 ms.
    var sleepMilliseconds: Int
}
