import Fluent
import Foundation
import Logging
import Vapor

/// Runs one claimed job through its handler and records the outcome: succeeded, queued again with
/// backoff, or dead. Shared by the worker and `runDueJobs`.
struct JobExecutor: Sendable {
    let application: Application
    /// The name claims are made under (`locked_by`); only it may record the outcome.
    let workerID: String
    let settings: JobSettings

    enum Outcome: String, Sendable {
        case succeeded, retried, dead
        /// The lease was lost (another worker took the job over) or the worker was shutting down:
        /// nothing was recorded and the job's row is left as it was.
        case abandoned
    }

    /// - Parameter isAbandoned: asked before writing the outcome; `true` once a shutdown gave up on
    ///   the job, whose lease then lets another worker run it again.
    func run(_ job: JobRecord, isAbandoned: @escaping @Sendable () -> Bool = { false }) async -> Outcome {
        var logger = application.logger
        logger[metadataKey: "job-id"] = .string(job.id.uuidString.lowercased())
        logger[metadataKey: "job-kind"] = .string(job.kind.rawValue)
        logger[metadataKey: "attempt"] = .string("\(job.attempts)/\(job.maxAttempts)")
        let metrics = JobMetrics(metrics: application.metrics)
        let started = ContinuousClock.now

        guard let handler = application.jobs.registry.handler(for: job.kind) else {
            let reason = "no handler is registered for job kind '\(job.kind)' in this process"
            logger.error("job dead: \(reason)")
            let outcome = await record(.dead, job, error: reason, logger: logger, isAbandoned: isAbandoned)
            metrics.recordAttempt(kind: job.kind, outcome: outcome.rawValue, duration: ContinuousClock.now - started)
            return outcome
        }
        let context = JobContext(
            application: application, logger: logger, db: application.db, jobID: job.id, kind: job.kind,
            attempt: job.attempts, maxAttempts: job.maxAttempts)
        let failure = await runKeepingLease(job, handler: handler, context: context)
        let duration = ContinuousClock.now - started

        let outcome: Outcome
        if let failure {
            let message = Self.describe(failure)
            let permanent = failure is UndecodableJobPayload || failure is PermanentJobFailure
            if permanent || job.attempts >= job.maxAttempts {
                logger.error("job dead after attempt \(job.attempts): \(message)")
                outcome = await record(.dead, job, error: message, logger: logger, isAbandoned: isAbandoned)
            } else {
                logger.warning("job attempt \(job.attempts) failed, will retry: \(message)")
                outcome = await record(.retried, job, error: message, logger: logger, isAbandoned: isAbandoned)
            }
        } else {
            logger.debug("job succeeded")
            outcome = await record(.succeeded, job, error: nil, logger: logger, isAbandoned: isAbandoned)
        }
        if outcome != .abandoned {
            metrics.recordAttempt(kind: job.kind, outcome: outcome.rawValue, duration: duration)
        }
        return outcome
    }

    /// Runs the handler while renewing the lease every third of its length, so a slow job that is
    /// still making progress is never mistaken for one whose worker died.
    /// - Returns: the handler's error, or `nil` on success.
    private func runKeepingLease(_ job: JobRecord, handler: @escaping JobHandler, context: JobContext) async
        -> (any Error)?
    {
        let lease = Double(settings.leaseSeconds)
        let application = application
        let workerID = workerID
        return await withTaskGroup(of: Optional<Result<Void, any Error>>.self) { group in
            group.addTask {
                do {
                    try await handler(job.payload, context)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(lease / 3))
                    if Task.isCancelled { break }
                    _ = try? await JobQueue.extendLease(
                        job.id, worker: workerID, until: Date().addingTimeInterval(lease), on: application.db)
                }
                return nil
            }
            var failure: (any Error)?
            for await result in group {
                guard let result else { continue }
                if case .failure(let error) = result { failure = error }
                group.cancelAll()
                break
            }
            return failure
        }
    }

    private func record(
        _ outcome: Outcome, _ job: JobRecord, error: String?, logger: Logger, isAbandoned: () -> Bool
    ) async -> Outcome {
        guard !isAbandoned() else { return .abandoned }
        let db = application.db
        do {
            let recorded: Bool
            switch outcome {
            case .succeeded:
                recorded = try await JobQueue.markSucceeded(job.id, worker: workerID, on: db)
            case .retried:
                let delay = JobBackoff(settings: settings).delay(afterAttempt: job.attempts)
                recorded = try await JobQueue.markForRetry(
                    job.id, worker: workerID, error: error ?? "", retryAt: Date().addingTimeInterval(delay), on: db)
            case .dead:
                recorded = try await JobQueue.markDead(job.id, worker: workerID, error: error ?? "", on: db)
            case .abandoned:
                return .abandoned
            }
            guard recorded else {
                logger.warning("job outcome not recorded: its lease was taken over by another worker")
                return .abandoned
            }
            return outcome
        } catch {
            // The lease will expire and the job run again: better twice than never.
            logger.error("could not record the job's outcome (\(outcome.rawValue)): \(String(reflecting: error))")
            return .abandoned
        }
    }

    /// The text kept in `last_error`: the error's own description, bounded so a huge message can't
    /// bloat the table.
    static func describe(_ error: any Error) -> String {
        let text =
            switch error {
            case let error as any AbortError: error.reason
            case let error as any CustomStringConvertible: error.description
            default: String(reflecting: error)
            }
        let message = "\(type(of: error)): \(text)"
        return message.count > 2_000 ? String(message.prefix(2_000)) + "…" : message
    }
}
