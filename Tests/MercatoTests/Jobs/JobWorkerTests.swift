import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import Mercato

/// The background worker: many workers on PostgreSQL share the queue without running a job twice,
/// and stopping a worker never loses a job it claimed.
@Suite(.serialized) struct JobWorkerTests {
    static func fastWorker(_ settings: inout Settings) {
        settings.jobs.pollIntervalMilliseconds = 20
        settings.jobs.concurrency = 4
        settings.jobs.leaseSeconds = 30
    }

    /// Polls until `condition` holds or `seconds` pass.
    static func eventually(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    static func count(_ status: JobStatus, in app: Application) async throws -> Int {
        try await JobQueue.count(status, on: app.db)
    }

    @Test(.enabled(if: TestServices.postgresEnabled))
    func severalWorkersOnPostgreSQLRunEveryJobExactlyOnce() async throws {
        let suite = #fileID + "-concurrency"
        try await JobFixtures.withQueue(on: .postgres, suite: suite, settings: Self.fastWorker) { first in
            let settings = first.settings
            // setup: 300 jobs, then three processes' worth of workers (own pools) on the same queue
            let recorder = JobFixtures.Recorder()
            let total = 300
            try await first.db.transaction { db in
                for index in 0..<total {
                    try await JobQueue.enqueue(.testEcho, payload: JobFixtures.Echo(message: "\(index)"), on: db)
                }
            }
            try await TestSupport.withApp(settings, migrate: false) { second in
                try await TestSupport.withApp(settings, migrate: false) { third in
                    let apps = [first, second, third]
                    for (index, app) in apps.enumerated() {
                        app.jobs.register(.testEcho, payload: JobFixtures.Echo.self) { payload, context in
                            await recorder.record(
                                context.jobID, attempt: context.attempt, message: "\(index):\(payload.message)")
                            try await Task.sleep(for: .milliseconds(Int.random(in: 0...3)))
                        }
                    }
                    let workers = apps.map { JobWorker(application: $0, settings: settings.jobs) }
                    // MUT
                    for worker in workers { worker.start() }
                    let drained = try await Self.eventually(within: 90) {
                        try await Self.count(.succeeded, in: first) == total
                    }
                    for worker in workers { await worker.stop() }
                    // validate
                    #expect(drained)
                    let ids = await recorder.jobIDs
                    #expect(ids.count == total)
                    #expect(Set(ids).count == total)
                    let messages = await recorder.runs.map(\.message)
                    #expect(Set(messages.map { $0.split(separator: ":")[1] }).count == total)
                    // every worker took part, so the claims really did race
                    #expect(Set(messages.map { $0.split(separator: ":")[0] }).count == apps.count)
                    #expect(await recorder.attempts.allSatisfy { $0 == 1 })
                    let queued = try await Self.count(.queued, in: first)
                    let running = try await Self.count(.running, in: first)
                    #expect(queued == 0 && running == 0)
                }
            }
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func stoppingAWorkerLetsItsClaimedJobFinish(backend: DatabaseBackend) async throws {
        try await JobFixtures.withQueue(on: backend, settings: Self.fastWorker) { app in
            // setup: a slow job, claimed and running
            let started = AsyncStream<Void>.makeStream()
            app.jobs.register(.testEcho, payload: JobFixtures.Echo.self) { _, _ in
                started.continuation.yield()
                try await Task.sleep(for: .milliseconds(800))
            }
            let id = try await JobQueue.enqueue(.testEcho, payload: JobFixtures.Echo(message: "slow"), on: app.db)
            let worker = JobWorker(application: app, settings: app.settings.jobs)
            worker.start()
            var iterator = started.stream.makeAsyncIterator()
            await iterator.next()
            // MUT
            await worker.stop()
            // validate: stop waited for it, and no new job is claimed afterwards
            let job = try await JobFixtures.job(id, in: app)
            #expect(job.status == .succeeded)
            let later = try await JobQueue.enqueue(.testEcho, payload: JobFixtures.Echo(message: "x"), on: app.db)
            try await Task.sleep(for: .milliseconds(200))
            let untouched = try await JobFixtures.job(later, in: app)
            #expect(untouched.status == .queued && untouched.attempts == 0)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func aJobOutlastingTheShutdownTimeoutKeepsItsLeaseAndRunsAgainLater(backend: DatabaseBackend) async throws {
        try await JobFixtures.withQueue(
            on: backend,
            settings: {
                Self.fastWorker(&$0)
                $0.jobs.shutdownTimeoutSeconds = 1
                $0.jobs.leaseSeconds = 5
            }
        ) { app in
            // setup: a job far slower than the shutdown timeout
            let recorder = JobFixtures.Recorder()
            let started = AsyncStream<Void>.makeStream()
            app.jobs.register(.testEcho, payload: JobFixtures.Echo.self) { payload, context in
                await recorder.record(context.jobID, attempt: context.attempt, message: payload.message)
                if context.attempt == 1 {
                    started.continuation.yield()
                    try await Task.sleep(for: .seconds(30))
                }
            }
            let id = try await JobQueue.enqueue(.testEcho, payload: JobFixtures.Echo(message: "long"), on: app.db)
            let worker = JobWorker(application: app, settings: app.settings.jobs)
            worker.start()
            var iterator = started.stream.makeAsyncIterator()
            await iterator.next()
            // MUT: stop gives up after one second
            let clock = ContinuousClock()
            let stopStarted = clock.now
            await worker.stop()
            // Far below the job's 30 s: stop gave up instead of waiting for it.
            #expect(clock.now - stopStarted < .seconds(15))
            // validate: the job is not lost: still claimed, with a lease that will lapse
            let abandoned = try await JobFixtures.job(id, in: app)
            #expect(abandoned.status == .running && abandoned.lockedBy == worker.id)
            let ranWhileLeased = try await app.jobs.runDueJobs()
            #expect(ranWhileLeased == 0)  // not while the lease holds
            // once the lease runs out, another worker runs it again
            try await Task.sleep(for: .seconds(max(0.1, (abandoned.lockedUntil ?? Date()).timeIntervalSinceNow + 0.2)))
            let ran = try await app.jobs.runDueJobs()
            #expect(ran == 1)
            let finished = try await JobFixtures.job(id, in: app)
            #expect(finished.status == .succeeded && finished.attempts == 2)
            #expect(await recorder.attempts == [1, 2])
        }
    }

    @Test func aLongJobKeepsRenewingItsLease() async throws {
        try await JobFixtures.withQueue(
            on: .sqlite,
            settings: {
                Self.fastWorker(&$0)
                $0.jobs.leaseSeconds = 5
            }
        ) { app in
            // setup: a job that runs longer than its lease
            let started = AsyncStream<Void>.makeStream()
            app.jobs.register(.testEcho, payload: JobFixtures.Echo.self) { _, _ in
                started.continuation.yield()
                try await Task.sleep(for: .seconds(7))
            }
            let id = try await JobQueue.enqueue(.testEcho, payload: JobFixtures.Echo(message: "long"), on: app.db)
            let worker = JobWorker(application: app, settings: app.settings.jobs)
            // MUT
            worker.start()
            var iterator = started.stream.makeAsyncIterator()
            await iterator.next()
            let firstLease = try #require(try await JobFixtures.job(id, in: app).lockedUntil)
            try await Task.sleep(for: .seconds(5.5))
            // validate: past the first lease, it is still this worker's and nobody else may take it
            let renewed = try await JobFixtures.job(id, in: app)
            #expect(renewed.status == .running)
            #expect((renewed.lockedUntil ?? .distantPast) > firstLease)
            let stolen = try await JobQueue.claim(
                limit: 1, worker: "other", leaseUntil: Date().addingTimeInterval(5), on: app.db)
            #expect(stolen.isEmpty)
            await worker.stop()
            let job = try await JobFixtures.job(id, in: app)
            #expect(job.status == .succeeded && job.attempts == 1)
        }
    }
}
