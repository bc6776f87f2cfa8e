import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import Vapor

/// Claims and runs due jobs in the background of `mercato serve` (roles `all` and `worker`).
///
/// Polls every `jobs.pollIntervalMilliseconds` for up to `jobs.concurrency` jobs at a time. On
/// shutdown it stops claiming, lets the jobs it holds finish for up to
/// `jobs.shutdownTimeoutSeconds`, and leaves any still running to their lease: another worker (or
/// this one, restarted) runs them again once it expires. A claimed job is never lost.
///
/// `serve` calls `start` once the server listens and SIGTERM is handled; as a lifecycle handler
/// it is stopped by the application's shutdown.
final class JobWorker: LifecycleHandler, Sendable {
    let application: Application
    let settings: JobSettings
    /// `locked_by` for this worker's claims: host, process and a per-worker nonce.
    let id: String

    private struct State {
        var loop: Task<Void, Never>?
        var running: [UUID: Task<Void, Never>] = [:]
        var stopping = false
        /// Set once `stop` stopped waiting: jobs claimed after that are left to their lease.
        var closed = false
        var abandoned = false
        /// Set when the polling loop has returned: from then on only jobs use the database.
        var pollFinished = false
    }

    private let state = NIOLockedValueBox(State())

    init(application: Application, settings: JobSettings) {
        self.application = application
        self.settings = settings
        let host = ProcessInfo.processInfo.hostName
        id = "\(host):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8).lowercased())"
    }

    func shutdownAsync(_ application: Application) async {
        await stop()
    }

    /// Starts polling; a second call does nothing.
    func start() {
        state.withLockedValue { state in
            guard state.loop == nil, !state.stopping else { return }
            state.loop = Task {
                await self.pollUntilStopped()
                self.pollDidFinish()
            }
        }
        application.logger.notice(
            "job worker started",
            metadata: [
                "worker": .string(id), "concurrency": .stringConvertible(settings.concurrency),
                "poll-ms": .stringConvertible(settings.pollIntervalMilliseconds),
            ])
    }

    /// Stops claiming, waits (bounded by `shutdownTimeoutSeconds`) for the jobs in hand, and
    /// abandons the rest to their lease. Safe to call more than once.
    func stop() async {
        // Only the first call waits: `serve` stops the worker on SIGTERM, and the application's
        // shutdown asks again.
        let (loop, alreadyStopping) = state.withLockedValue { state -> (Task<Void, Never>?, Bool) in
            defer { state.stopping = true }
            return (state.loop, state.stopping)
        }
        guard !alreadyStopping else { return }
        loop?.cancel()
        // Polls rather than awaiting tasks: an awaited task can't be given up on at the deadline,
        // and the point of the deadline is to give up.
        let deadline = ContinuousClock.now + .seconds(settings.shutdownTimeoutSeconds)
        // First the poll in progress. It claims nothing once `stopping` is set, but a claim already
        // sent may still return jobs, which it launches and which are waited for below. Once it
        // has returned nothing but the jobs uses the database, so when `stop` returns the
        // application may close its pools. A poll still stuck at the deadline is left: whatever it
        // may yet claim stays leased, and runs later.
        while loop != nil, !isPollFinished, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let inFlight = state.withLockedValue { $0.running.count }
        if inFlight > 0 {
            application.logger.notice("job worker stopping: waiting for \(inFlight) running job(s)")
        }
        var finished = closeIfIdle()
        let waited = inFlight > 0 || !finished
        while !finished && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            finished = closeIfIdle()
        }
        // Nothing was running: nothing to report.
        guard waited else { return }
        guard !finished else {
            application.logger.notice("job worker stopped: every claimed job finished")
            return
        }
        let leftOver = state.withLockedValue { state -> [UUID: Task<Void, Never>] in
            state.abandoned = true
            state.closed = true
            return state.running
        }
        application.logger.warning(
            "job worker stopped with \(leftOver.count) job(s) unfinished; they keep their lease and run again after it expires",
            metadata: ["jobs": .array(leftOver.keys.map { .string($0.uuidString.lowercased()) })])
        // Handlers that honour cancellation stop now; their outcome is not recorded either way.
        for task in leftOver.values { task.cancel() }
    }

    private var isStopping: Bool { state.withLockedValue { $0.stopping } }

    private var isPollFinished: Bool { state.withLockedValue { $0.pollFinished } }

    private func pollDidFinish() { state.withLockedValue { $0.pollFinished = true } }

    /// With no job running, closes the worker to new jobs (atomically, so a claim returning just
    /// now can't slip in a job nobody waits for) and returns `true`.
    private func closeIfIdle() -> Bool {
        state.withLockedValue { state in
            guard state.running.isEmpty else { return false }
            state.closed = true
            return true
        }
    }

    private func pollUntilStopped() async {
        let executor = JobExecutor(application: application, workerID: id, settings: settings)
        let metrics = JobMetrics(metrics: application.metrics)
        polling: while !Task.isCancelled && !isStopping {
            var claimedFullBatch = false
            do {
                for kind in try await JobQueue.buryAbandonedFinalAttempts(on: application.db) {
                    metrics.recordDead(kind: kind)
                }
                // Checked before every query: once stopping, the worker claims nothing more and
                // leaves the database (which the application may be shutting down) alone.
                if isStopping { break polling }
                let free = settings.concurrency - state.withLockedValue { $0.running.count }
                if free > 0 {
                    let jobs = try await JobQueue.claim(
                        limit: free, worker: id, leaseUntil: Date().addingTimeInterval(Double(settings.leaseSeconds)),
                        on: application.db)
                    claimedFullBatch = jobs.count == free
                    for job in jobs { launch(job, executor: executor, metrics: metrics) }
                }
                if isStopping { break polling }
                metrics.setQueued(try await JobQueue.count(.queued, on: application.db))
            } catch {
                application.logger.error("job worker could not poll the queue: \(String(reflecting: error))")
            }
            // A full batch suggests more are due: ask again at once while there is room.
            let hasRoom = state.withLockedValue { $0.running.count } < settings.concurrency
            if claimedFullBatch && hasRoom { continue }
            try? await Task.sleep(for: .milliseconds(settings.pollIntervalMilliseconds))
        }
    }

    private func launch(_ job: JobRecord, executor: JobExecutor, metrics: JobMetrics) {
        state.withLockedValue { state in
            guard !state.closed else {
                application.logger.notice(
                    "job claimed while the worker shut down; it keeps its lease and runs again after it expires",
                    metadata: ["job-id": .string(job.id.uuidString.lowercased())])
                return
            }
            // Not a child of the polling task: cancelling the poll on shutdown must not cancel jobs.
            let task = Task {
                _ = await executor.run(job, isAbandoned: { [weak self] in self?.isAbandoned ?? true })
                self.finished(job.id, metrics: metrics)
            }
            state.running[job.id] = task
            metrics.setRunning(state.running.count)
        }
    }

    private var isAbandoned: Bool { state.withLockedValue { $0.abandoned } }

    private func finished(_ id: UUID, metrics: JobMetrics) {
        state.withLockedValue { state in
            state.running[id] = nil
            metrics.setRunning(state.running.count)
        }
    }
}
