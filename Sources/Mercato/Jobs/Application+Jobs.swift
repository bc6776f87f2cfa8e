import Fluent
import Foundation
import Vapor

extension Application {
    /// The job queue as the application sees it: handler registration, and running due jobs now.
    ///
    ///     app.jobs.register(.sendOrderConfirmation, payload: OrderRef.self) { order, context in
    ///         try await mailer.sendConfirmation(for: order.id, on: context.db)
    ///     }
    var jobs: Jobs { Jobs(application: self) }

    struct Jobs: Sendable {
        let application: Application

        private struct RegistryKey: StorageKey {
            typealias Value = JobHandlerRegistry
        }

        /// This application's handlers, installed by `MercatoApplication.configure`.
        var registry: JobHandlerRegistry {
            guard let registry = application.storage[RegistryKey.self] else {
                fatalError("MercatoApplication.configure installs the job handler registry")
            }
            return registry
        }

        /// Installs an empty registry. Storage isn't thread-safe, so this happens once, while the
        /// application is being configured.
        func installRegistry() {
            application.storage[RegistryKey.self] = JobHandlerRegistry()
        }

        /// Registers the handler for `kind`; a second registration replaces the first.
        /// - Parameters:
        ///   - kind: the job kind, as passed to `JobQueue.enqueue`.
        ///   - payload: the type the stored JSON decodes to. A payload that doesn't decode makes the
        ///     job dead at once, with the decoding error as `last_error`.
        ///   - handler: throws to fail the attempt (retried with backoff until `maxAttempts`); throw
        ///     `PermanentJobFailure` when retrying can't help.
        func register<Payload: Decodable & Sendable>(
            _ kind: JobKind, payload: Payload.Type,
            _ handler: @escaping @Sendable (_ payload: Payload, _ context: JobContext) async throws -> Void
        ) {
            registry.register(kind, payload: payload, handler)
        }

        /// Runs every job that is due now, one after another in this task, including jobs that those
        /// jobs enqueue for now; failed jobs are rescheduled (not rerun here). For tests and
        /// one-off commands; servers use the `JobWorker`.
        /// - Parameter limit: stops after this many runs, so a job that keeps enqueuing more can't
        ///   loop forever.
        /// - Returns: how many jobs ran (whatever their outcome).
        @discardableResult
        func runDueJobs(limit: Int = 1_000) async throws -> Int {
            let settings = application.settings.jobs
            let executor = JobExecutor(
                application: application, workerID: "inline-\(UUID().uuidString.lowercased())", settings: settings)
            let metrics = JobMetrics(metrics: application.metrics)
            for kind in try await JobQueue.buryAbandonedFinalAttempts(on: application.db) {
                metrics.recordDead(kind: kind)
            }
            var ran = 0
            while ran < limit {
                let claimed = try await JobQueue.claim(
                    limit: min(50, limit - ran), worker: executor.workerID,
                    leaseUntil: Date().addingTimeInterval(Double(settings.leaseSeconds)), on: application.db)
                if claimed.isEmpty { break }
                for job in claimed {
                    _ = await executor.run(job)
                    ran += 1
                }
            }
            return ran
        }
    }
}
