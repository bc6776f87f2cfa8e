import ArgumentParser
import Fluent
import Foundation
import Vapor

/// `mercato jobs`: the operator's view of the background job queue.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Inspect the background job queue and retry dead jobs.",
        subcommands: [List.self, Retry.self, Ping.self])

    /// `mercato jobs list [--status dead] [--limit 50]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs in one state (dead by default).")

        @ArgumentParser.OptionGroup var options: EnvironmentOptions

        @ArgumentParser.Option(help: "queued, running, succeeded or dead.")
        var status: String = JobStatus.dead.rawValue

        @ArgumentParser.Option(help: "At most this many jobs, 1–\(JobAdminRoutes.maximumLimit).")
        var limit: Int = JobAdminRoutes.defaultLimit

        func validate() throws {
            guard JobStatus(rawValue: status) != nil else {
                let known = JobStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("--status must be one of \(known), got '\(status)'")
            }
            guard (1...JobAdminRoutes.maximumLimit).contains(limit) else {
                throw ValidationError("--limit must be between 1 and \(JobAdminRoutes.maximumLimit), got \(limit)")
            }
        }

        func run() async throws {
            let settings = try await options.loadSettings()
            LoggingBootstrap.bootstrap(settings.log.quietForCommands)
            let status = JobStatus(rawValue: status) ?? .dead
            try await MercatoApplication.withApplication(settings: settings) { app in
                let jobs = try await JobQueue.list(status: status, limit: limit, on: app.db)
                guard !jobs.isEmpty else {
                    print("No \(status.rawValue) jobs.")
                    return
                }
                for job in jobs { print(Self.line(for: job)) }
            }
        }

        /// One job per line: id, kind, attempts, when, and the last error if any.
        static func line(for job: JobRecord) -> String {
            let when = ISO8601DateFormatter().string(from: job.status == .queued ? job.runAt : job.updatedAt)
            var line =
                "\(job.id.uuidString.lowercased())  \(job.kind.rawValue)  \(job.status.rawValue)  "
                + "attempts \(job.attempts)/\(job.maxAttempts)  \(when)"
            if let error = job.lastError { line += "\n    last error: \(error)" }
            return line
        }
    }

    /// `mercato jobs retry ID`: sends a dead job back to the queue.
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a dead job again, due now.")

        @ArgumentParser.OptionGroup var options: EnvironmentOptions

        @ArgumentParser.Argument(help: "The job's id (from `mercato jobs list`).")
        var id: String

        func validate() throws {
            if UUID(uuidString: id) == nil { throw ValidationError("ID must be a job id (a UUID), got '\(id)'") }
        }

        func run() async throws {
            let settings = try await options.loadSettings()
            LoggingBootstrap.bootstrap(settings.log.quietForCommands)
            guard let jobID = UUID(uuidString: id) else { throw ValidationError("ID must be a UUID") }
            try await MercatoApplication.withApplication(settings: settings) { app in
                do {
                    let job = try await JobQueue.retry(jobID, on: app.db)
                    print("Queued again: \(job.id.uuidString.lowercased()) (\(job.kind.rawValue)), due now.")
                } catch let error as JobRetryError {
                    throw CommandFailure(error.reason)
                }
            }
        }
    }

    /// `mercato jobs ping [--sleep-ms N]`: proves end to end that some worker consumes the queue.
    struct Ping: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a ping job; a running worker logs \"ping job done\" when it runs it.")

        @ArgumentParser.OptionGroup var options: EnvironmentOptions

        @ArgumentParser.Option(name: .customLong("sleep-ms"), help: "How long the job takes, 0–600000 ms.")
        var sleepMilliseconds: Int = 0

        func validate() throws {
            guard (0...600_000).contains(sleepMilliseconds) else {
                throw ValidationError("--sleep-ms must be between 0 and 600000, got \(sleepMilliseconds)")
            }
        }

        func run() async throws {
            let settings = try await options.loadSettings()
            LoggingBootstrap.bootstrap(settings.log.quietForCommands)
            try await MercatoApplication.withApplication(settings: settings) { app in
                let id = try await JobQueue.enqueue(
                    .ping, payload: PingPayload(sleepMilliseconds: sleepMilliseconds), on: app.db)
                print(id.uuidString.lowercased())
            }
        }
    }
}
