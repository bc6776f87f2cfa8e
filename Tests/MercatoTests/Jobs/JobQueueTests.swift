import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTestUtils

@testable import Mercato

/// The queue's promises, on SQLite and PostgreSQL: a job exists exactly when the change that
/// enqueued it commits, handlers get their payload, failures back off and end as visible dead
/// letters, and a job whose worker died is run again.
@Suite(.serialized) struct JobQueueTests {
    struct BookkeepingFailed: Error {}

    @Test(arguments: DatabaseBackend.available)
    func aJobExistsOnlyIfItsTransactionCommits(backend: DatabaseBackend) async throws {
        try await JobFixtures.withQueue(on: backend) { app in
            // MUT: a change that fails after enqueuing rolls the job back with it
            await #expect(throws: BookkeepingFailed.self) {
                try await app.db.transaction { db in
                    try await JobQueue.enqueue(.testEcho, payload: JobFixtures.Echo(message: "lost"), on: db)
                    throw BookkeepingFailed()
                }
            }
            // validate
            let jobsAfterRollback = try await JobFixtures.count(in: app)
            #expect(jobsAfterRollback == 0)

            // MUT: the committed one is there, queued and due
            let id = try await app.db.transaction { db in
                try await JobQueue.enqueue(.testEcho, payload: JobFixtures.Echo(message: "kept"), on: db)
            }
            // validate
            let jobsAfterCommit = try await JobFixtures.count(in: app)
            #expect(jobsAfterCommit == 1)
            let job = try await JobFixtures.job(id, in: app)
            #expect(job.status == .queued)
            #expect(job.kind == .testEcho)
            #expect(job.attempts == 0 && job.maxAttempts == 8)
            #expect(job.payload == #"{"message":"kept"}"#)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func dueJobsRunOnceWithTheirPayloadAndScheduledOnesWait(backend: DatabaseBackend) async throws {
        try await JobFixtures.withQueue(on: backend) { app in
            // setup
            let recorder = JobFixtures.Recorder()
            app.jobs.register(.testEcho, payload: JobFixtures.Echo.self) { payload, context in
                await recorder.record(context.jobID, attempt: context.attempt, message: payload.message)
            }
            let now = try await JobQueue.enqueue(.testEcho, payload: JobFixtures.Echo(message: "now"), on: app.db)
            let later = try await JobQueue.enqueue(
                .testEcho, payload: JobFixtures.Echo(message: "later"), runAt: Date().addingTimeInterval(3_600),
                on: app.db)
            // MUT
            let ran = try await app.jobs.runDueJobs()
            let ranAgain = try await app.jobs.runDueJobs()
            // validate
            #expect(ran == 1)
            #expect(ranAgain == 0)
            #expect(await recorder.runs.map(\.message) == ["now"])
            #expect(await recorder.jobIDs == [now])
            #expect(await recorder.attempts == [1])
            let done = try await JobFixtures.job(now, in: app)
            #expect(done.status == .succeeded)
            #expect(done.finishedAt != nil && done.lockedBy == nil && done.lastError == nil)
            let laterStatus = try await JobFixtures.job(later, in: app).status
            #expect(laterStatus == .queued)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func unknownKindsAndUndecodablePayloadsGoStraightToDead(backend: DatabaseBackend) async throws {
        try await JobFixtures.withQueue(on: backend) { app in
            // setup: a kind nobody handles, and a payload that isn't an Echo
            let recorder = JobFixtures.Recorder()
            app.jobs.register(.testEcho, payload: JobFixtures.Echo.self) { payload, context in
                await recorder.record(context.jobID, attempt: context.attempt, message: payload.message)
            }
            let unknown = try await JobQueue.enqueue(
                JobKind("test.nobody_handles_this"), payload: JobFixtures.Echo(message: "x"), on: app.db)
            let garbled = try await JobQueue.enqueue(.testEcho, payload: ["text": 42], on: app.db)
            // MUT
            let ran = try await app.jobs.runDueJobs()
            #expect(ran == 2)
            // validate: one attempt each, no retry scheduled, the reason spelled out
            let deadUnknown = try await JobFixtures.job(unknown, in: app)
            #expect(deadUnknown.status == .dead && deadUnknown.attempts == 1)
            #expect(
                deadUnknown.lastError?.contains("no handler is registered for job kind 'test.nobody_handles_this'")
                    == true)
            let deadGarbled = try await JobFixtures.job(garbled, in: app)
            #expect(deadGarbled.status == .dead && deadGarbled.attempts == 1)
            #expect(deadGarbled.lastError?.contains("does not decode as Echo") == true)
            #expect(await recorder.runs.isEmpty)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func aFailingJobBacksOffThenDiesWithItsErrorVisibleToOperators(backend: DatabaseBackend) async throws {
        try await JobFixtures.withQueue(on: backend) { app in
            // setup: base delay 1 s (testing config), three attempts
            let recorder = JobFixtures.Recorder()
            app.jobs.register(.testAlwaysFails, payload: JobFixtures.Echo.self) { payload, context in
                await recorder.record(context.jobID, attempt: context.attempt, message: payload.message)
                throw JobFixtures.HandlerFailed()
            }
            let id = try await JobQueue.enqueue(
                .testAlwaysFails, payload: JobFixtures.Echo(message: "doomed"), maxAttempts: 3, on: app.db)

            // MUT: attempt 1
            let firstRun = try await app.jobs.runDueJobs()
            #expect(firstRun == 1)
            let afterFirst = try await JobFixtures.job(id, in: app)
            // validate: queued again, about one second out, error kept
            #expect(afterFirst.status == .queued && afterFirst.attempts == 1)
            #expect(afterFirst.lastError?.contains("the test handler always fails") == true)
            let firstDelay = afterFirst.runAt.timeIntervalSince(afterFirst.updatedAt)
            #expect(firstDelay >= 0.99 && firstDelay <= 1.11)
            let earlyRun = try await app.jobs.runDueJobs()
            #expect(earlyRun == 0)  // not due yet

            // MUT: attempt 2, once due
            try await JobFixtures.makeDue(id, in: app)
            let secondRun = try await app.jobs.runDueJobs()
            #expect(secondRun == 1)
            let afterSecond = try await JobFixtures.job(id, in: app)
            // validate: the delay doubled
            let secondDelay = afterSecond.runAt.timeIntervalSince(afterSecond.updatedAt)
            #expect(afterSecond.status == .queued && afterSecond.attempts == 2)
            #expect(secondDelay >= 1.99 && secondDelay <= 2.21)

            // MUT: attempt 3 is the last
            try await JobFixtures.makeDue(id, in: app)
            let thirdRun = try await app.jobs.runDueJobs()
            #expect(thirdRun == 1)
            // validate: dead, and operators see why
            let dead = try await JobFixtures.job(id, in: app)
            #expect(dead.status == .dead && dead.attempts == 3 && dead.finishedAt != nil)
            #expect(await recorder.attempts == [1, 2, 3])
            try await JobFixtures.makeDue(id, in: app)
            let runAfterDeath = try await app.jobs.runDueJobs()
            #expect(runAfterDeath == 0)

            let response = try await app.get(
                "/api/v1/admin/jobs?status=dead", headers: ["Authorization": "Bearer mk_test-owner-key"])
            #expect(response.status == .ok)
            let listed = try response.content.decode(JobDTO.List.self, using: JobFixtures.apiDecoder)
            #expect(listed.jobs.map(\.id) == [id])
            #expect(listed.jobs.first?.lastError?.contains("the test handler always fails") == true)
            #expect(listed.jobs.first?.attempts == 3)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func aJobWhoseWorkerDiedIsRunAgainOnceItsLeaseExpires(backend: DatabaseBackend) async throws {
        try await JobFixtures.withQueue(on: backend) { app in
            // setup: two jobs claimed by a worker that then "died"; one lease has run out, one hasn't
            let recorder = JobFixtures.Recorder()
            app.jobs.register(.testEcho, payload: JobFixtures.Echo.self) { payload, context in
                await recorder.record(context.jobID, attempt: context.attempt, message: payload.message)
            }
            let leased = try await JobQueue.enqueue(.testEcho, payload: JobFixtures.Echo(message: "b"), on: app.db)
            _ = try await JobQueue.claim(
                limit: 1, worker: "busy-worker", leaseUntil: Date().addingTimeInterval(600), on: app.db)
            let expired = try await JobQueue.enqueue(.testEcho, payload: JobFixtures.Echo(message: "a"), on: app.db)
            _ = try await JobQueue.claim(
                limit: 1, worker: "killed-worker", leaseUntil: Date().addingTimeInterval(-1), on: app.db)
            let statusBeforeReclaim = try await JobFixtures.job(expired, in: app).status
            #expect(statusBeforeReclaim == .running)

            // MUT
            let ran = try await app.jobs.runDueJobs()
            #expect(ran == 1)
            // validate: the expired one ran (its second attempt); the leased one is left alone
            #expect(await recorder.jobIDs == [expired])
            #expect(await recorder.attempts == [2])
            let statusAfterReclaim = try await JobFixtures.job(expired, in: app).status
            #expect(statusAfterReclaim == .succeeded)
            let stillLeased = try await JobFixtures.job(leased, in: app)
            #expect(stillLeased.status == .running && stillLeased.lockedBy == "busy-worker")

            // validate: the dead worker can't record an outcome for a job it lost
            let staleWorkerRecorded = try await JobQueue.markSucceeded(expired, worker: "killed-worker", on: app.db)
            #expect(staleWorkerRecorded == false)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func aJobThatKilledItsWorkerOnTheFinalAttemptIsDeclaredDead(backend: DatabaseBackend) async throws {
        try await JobFixtures.withQueue(on: backend) { app in
            // setup: the only attempt was claimed by a worker whose lease then ran out
            let id = try await JobQueue.enqueue(
                .testEcho, payload: JobFixtures.Echo(message: "poison"), maxAttempts: 1, on: app.db)
            _ = try await JobQueue.claim(
                limit: 1, worker: "killed-worker", leaseUntil: Date().addingTimeInterval(-1), on: app.db)
            // MUT
            let ran = try await app.jobs.runDueJobs()
            #expect(ran == 0)
            // validate
            let dead = try await JobFixtures.job(id, in: app)
            #expect(dead.status == .dead)
            #expect(dead.lastError?.contains("lease expired") == true)
        }
    }

    @Test func metricsCountEachOutcomeByKind() async throws {
        try await JobFixtures.withQueue(on: .sqlite) { app in
            // setup: one success, one retry, one dead letter
            app.jobs.register(.testEcho, payload: JobFixtures.Echo.self) { _, _ in }
            app.jobs.register(.testAlwaysFails, payload: JobFixtures.Echo.self) { _, _ in
                throw JobFixtures.HandlerFailed()
            }
            try await JobQueue.enqueue(.testEcho, payload: JobFixtures.Echo(message: "ok"), on: app.db)
            try await JobQueue.enqueue(.testAlwaysFails, payload: JobFixtures.Echo(message: "again"), on: app.db)
            try await JobQueue.enqueue(
                .testAlwaysFails, payload: JobFixtures.Echo(message: "once"), maxAttempts: 1, on: app.db)
            // MUT
            try await app.jobs.runDueJobs()
            let metrics = try await app.get("/metrics").body.string
            // validate
            for line in [
                #"mercato_jobs_processed_total{kind="test.echo",outcome="succeeded"} 1"#,
                #"mercato_jobs_processed_total{kind="test.always_fails",outcome="retried"} 1"#,
                #"mercato_jobs_processed_total{kind="test.always_fails",outcome="dead"} 1"#,
                #"mercato_jobs_failed_total{kind="test.always_fails"} 2"#,
                #"mercato_jobs_dead_total{kind="test.always_fails"} 1"#,
            ] {
                #expect(metrics.contains(line), "\(line)")
            }
            #expect(metrics.contains("mercato_job_duration_seconds_bucket{"))
        }
    }

    @Test func badArgumentsAreRefusedBeforeAnythingIsWritten() async throws {
        try await JobFixtures.withQueue(on: .sqlite) { app in
            await #expect(throws: JobQueueError.self) {
                try await JobQueue.enqueue(
                    .testEcho, payload: JobFixtures.Echo(message: "x"), maxAttempts: 0, on: app.db)
            }
            await #expect(throws: JobQueueError.self) {
                try await JobQueue.enqueue(.testEcho, payload: Double.nan, on: app.db)
            }
            let jobsWritten = try await JobFixtures.count(in: app)
            #expect(jobsWritten == 0)
        }
    }

    @Test func backoffDoublesFromTheBaseUpToTheCapWithBoundedJitter() {
        let backoff = JobBackoff(settings: JobSettings(retryBaseDelaySeconds: 10, retryMaxDelaySeconds: 100))
        #expect((1...6).map { backoff.delay(afterAttempt: $0, jitter: 0) } == [10, 20, 40, 80, 100, 100])
        #expect(backoff.delay(afterAttempt: 1, jitter: 1) == 11)
        #expect(backoff.delay(afterAttempt: 1_000, jitter: 0) == 100)
    }
}
