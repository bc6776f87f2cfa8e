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
        try await withDatabase { base, settings in
            // setup: an eight-second job, a drain allowance well beyond it (not the testing 10 s, which a
            // loaded machine could eat into), and a worker sent SIGTERM the moment it logs the job's start
            var environment = base
            environment["MERCATO_JOBS_SHUTDOWN_TIMEOUT_SECONDS"] = "30"
            let id = try enqueuePing(sleepMilliseconds: 8_000, environment: environment)
            let worker = try WorkerProcess(environment: environment, sigtermOn: "ping job started")
            defer { worker.terminateIfRunning() }
            // MUT
            let signalled = await worker.wait(upTo: 60) { worker.signalled }
            try #require(signalled, "the worker never started the job\n\(worker.report)")
            let exited = await worker.wait(upTo: 60) { worker.isFinished }
            try #require(exited, "the worker did not exit after SIGTERM\n\(worker.report)")
            // validate: SIGTERM found the job running, the worker waited for it, then exited cleanly
            let process = worker.process
            #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(worker.report)")
            #expect(
                worker.output.contains(
                    inOrder: "ping job started", "waiting for 1 running job(s)", "ping job done",
                    "every claimed job finished"), "\(worker.report)")
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
            let first = try WorkerProcess(environment: environment, sigtermOn: "ping job started")
            defer { first.terminateIfRunning() }
            // MUT: stop the first worker mid-job
            let signalled = await first.wait(upTo: 60) { first.signalled }
            try #require(signalled, "the worker never started the job\n\(first.report)")
            let exited = await first.wait(upTo: 60) { first.isFinished }
            try #require(exited, "the worker did not exit after SIGTERM\n\(first.report)")
            // validate: it exited without finishing the job, and the job is still leased, not lost
            #expect(first.process.terminationReason == .exit && first.process.terminationStatus == 0, "\(first.report)")
            let output = first.output
            #expect(output.contains("1 job(s) unfinished"))
            #expect(!output.contains("ping job done"))
            let leftOver = try await job(id, settings: settings)
            #expect(leftOver?.status == .running)
            #expect(leftOver?.attempts == 1)

            // MUT: the next worker takes it over once the lease lapses
            let second = try WorkerProcess(environment: environment, sigtermOn: nil)
            defer { second.terminateIfRunning() }
            // Generous: the lease must lapse and a fresh process start on a CI machine that may be loaded.
            let done = try await waitFor(id, settings: settings, within: 90) { $0.status == .succeeded }
            kill(second.process.processIdentifier, SIGTERM)
            _ = await second.wait(upTo: 60) { second.isFinished }
            // validate
            #expect(done?.attempts == 2)
        }
    }
}

/// A `mercato serve --role worker` child. Its output is read as it arrives, on a Dispatch thread:
/// a pipe nobody reads stops the child once 64 KiB are waiting, and a crash report on stderr is
/// worth seeing. It is sent SIGTERM from that thread the moment `sigtermOn` appears on stdout, so
/// when the signal lands doesn't depend on how busy the test's own executor is.
private final class WorkerProcess: @unchecked Sendable {
    let process: Process
    private let pid: Int32
    private let marker: Data?
    /// Guards everything below.
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private var outOpen = true
    private var errOpen = true
    private var sent = false
    private var exited: ContinuousClock.Instant?
    private let outPipe: Pipe
    private let errPipe: Pipe

    init(environment: [String: String], sigtermOn marker: String?) throws {
        let port = Int.random(in: 20_000...40_000)
        let (process, outPipe, errPipe) = try CommandLineRunner.start(
            ["serve", "--env", "testing", "--role", "worker", "--port", String(port)], environment: environment)
        self.process = process
        self.outPipe = outPipe
        self.errPipe = errPipe
        pid = process.processIdentifier
        self.marker = marker.map { Data($0.utf8) }
        // Strong captures: the handlers let go at end of file, when they remove themselves.
        outPipe.fileHandleForReading.readabilityHandler = { self.read($0, fromStdout: true) }
        errPipe.fileHandleForReading.readabilityHandler = { self.read($0, fromStdout: false) }
    }

    private func read(_ handle: FileHandle, fromStdout: Bool) {
        let chunk = handle.availableData
        lock.lock()
        defer { lock.unlock() }
        guard !chunk.isEmpty else {
            handle.readabilityHandler = nil
            if fromStdout { outOpen = false } else { errOpen = false }
            return
        }
        guard fromStdout else {
            err.append(chunk)
            return
        }
        out.append(chunk)
        if let marker, !sent, out.range(of: marker) != nil {
            sent = true
            kill(pid, SIGTERM)
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// Whether SIGTERM went out.
    var signalled: Bool { locked { sent } }
    var output: String { locked { String(decoding: out, as: UTF8.self) } }
    var report: String {
        locked { "stdout:\n\(String(decoding: out, as: UTF8.self))\nstderr:\n\(String(decoding: err, as: UTF8.self))" }
    }
    /// Exited, and all it wrote has been read. The end of a pipe is seen by its readability
    /// handler, which on Linux now and then never fires for it after the process exited (one CI
    /// run in a few dozen): a second after exit, whatever is left is read directly instead.
    var isFinished: Bool {
        guard !process.isRunning else { return false }
        let exitedAt = locked {
            if exited == nil { exited = ContinuousClock.now }
            return exited ?? ContinuousClock.now
        }
        if locked({ !outOpen && !errOpen }) { return true }
        guard ContinuousClock.now - exitedAt > .seconds(1) else { return false }
        for (pipe, fromStdout) in [(outPipe, true), (errPipe, false)] {
            let handle = pipe.fileHandleForReading
            handle.readabilityHandler = nil
            let rest = (try? handle.readToEnd()) ?? nil
            locked {
                if fromStdout { out.append(rest ?? Data()) } else { err.append(rest ?? Data()) }
                if fromStdout { outOpen = false } else { errOpen = false }
            }
        }
        return true
    }

    /// Waits for `condition` without holding a thread of the test's executor.
    func wait(upTo seconds: Int, for condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    func terminateIfRunning() {
        if process.isRunning { process.terminate() }
    }
}

extension String {
    /// Whether each of `markers` occurs, each after the one before.
    fileprivate func contains(inOrder markers: String...) -> Bool {
        var rest = self[...]
        for marker in markers {
            guard let found = rest.range(of: marker) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }
}
