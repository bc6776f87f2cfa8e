import AsyncHTTPClient
import Fluent
import Foundation
import Testing
import Vapor

@testable import Mercato

#if canImport(Glibc)
    import Glibc
#endif

/// A real `mercato serve --role worker` process, stopped with SIGTERM the way an orchestrator stops
/// a task, never loses the job it is running: it finishes it, or leaves it leased for a later run.
@Suite(.serialized) struct JobWorkerProcessTests {
    /// A testing-environment SQLite file shared by the processes and this test, migrated.
    private func withDatabase(_ body: ([String: String], Settings) async throws -> Void) async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("jobs.sqlite").path
        let environment = ["LOG_LEVEL": "info", "MERCATO_DATABASE_DATABASE": path]
        let migrated = try CommandLineRunner.run(["migrate", "--env", "testing", "--yes"], environment: environment)
        try #require(migrated.status == 0, "\(migrated.stderr)")
        var settings = try TestSupport.settings()
        settings.database = .sqlite(path: path)
        try await body(environment, settings)
    }

    /// `mercato jobs ping`, returning the new job's id.
    private func enqueuePing(sleepMilliseconds: Int, environment: [String: String]) throws -> UUID {
        let ping = try CommandLineRunner.run(
            ["jobs", "ping", "--env", "testing", "--sleep-ms", String(sleepMilliseconds)], environment: environment)
        try #require(ping.status == 0, "\(ping.stderr)")
        return try #require(UUID(uuidString: ping.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    private func startWorker(environment: [String: String]) throws -> (Process, Pipe) {
        let port = Int.random(in: 20_000...40_000)
        let (process, stdout, _) = try CommandLineRunner.start(
            ["serve", "--env", "testing", "--role", "worker", "--port", String(port)], environment: environment)
        return (process, stdout)
    }

    /// The job as another process left it; the file may be briefly locked by the worker's writes.
    private func job(_ id: UUID, settings: Settings) async throws -> JobRecord? {
        var found: JobRecord?
        try await TestSupport.withApp(settings, migrate: false) { app in
            found = try? await JobQueue.find(id, on: app.db)
        }
        return found
    }

    private func waitFor(
        _ id: UUID, settings: Settings, within seconds: Double, _ condition: (JobRecord) -> Bool
    ) async throws -> JobRecord? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let job = try await job(id, settings: settings), condition(job) { return job }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test func sigtermLetsTheRunningJobFinishBeforeExiting() async throws {
        try await withDatabase { environment, settings in
            // setup: an eight-second job (long enough to be seen running on a loaded machine), picked up by a worker
            let id = try enqueuePing(sleepMilliseconds: 8_000, environment: environment)
            let (process, stdout) = try startWorker(environment: environment)
            defer { if process.isRunning { process.terminate() } }
            let running = try await waitFor(id, settings: settings, within: 30) { $0.status == .running }
            try #require(running != nil, "the worker never claimed the job")
            // MUT
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            // validate: a clean exit, after the job completed
            #expect(process.terminationReason == .exit && process.terminationStatus == 0)
            let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(output.contains("ping job done"))
            #expect(output.contains("every claimed job finished"))
            let job = try await job(id, settings: settings)
            #expect(job?.status == .succeeded)
            #expect(job?.attempts == 1)
        }
    }

    @Test func aJobOutlastingTheShutdownTimeoutIsRunAgainByTheNextWorker() async throws {
        try await withDatabase { base, settings in
            // setup: a job longer than the one-second shutdown allowance, five-second leases
            var environment = base
            environment["MERCATO_JOBS_SHUTDOWN_TIMEOUT_SECONDS"] = "1"
            environment["MERCATO_JOBS_LEASE_SECONDS"] = "5"
            let id = try enqueuePing(sleepMilliseconds: 6_000, environment: environment)
            let (first, firstOutput) = try startWorker(environment: environment)
            defer { if first.isRunning { first.terminate() } }
            let claimed = try await waitFor(id, settings: settings, within: 30) { $0.status == .running }
            try #require(claimed != nil, "the worker never claimed the job")
            // MUT: stop the first worker mid-job
            kill(first.processIdentifier, SIGTERM)
            first.waitUntilExit()
            // validate: it exited without finishing the job, and the job is still leased, not lost
            #expect(first.terminationStatus == 0)
            let output = String(decoding: firstOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(output.contains("1 job(s) unfinished"))
            #expect(!output.contains("ping job done"))
            let leftOver = try await job(id, settings: settings)
            #expect(leftOver?.status == .running)
            #expect(leftOver?.attempts == 1)

            // MUT: the next worker takes it over once the lease lapses
            let (second, _) = try startWorker(environment: environment)
            defer { if second.isRunning { second.terminate() } }
            let done = try await waitFor(id, settings: settings, within: 40) { $0.status == .succeeded }
            kill(second.processIdentifier, SIGTERM)
            second.waitUntilExit()
            // validate
            #expect(done?.attempts == 2)
        }
    }
}
