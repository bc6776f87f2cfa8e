import Fluent
import Foundation
import Testing
import Vapor

@testable import Mercato

/// `mercato jobs list` and `mercato jobs retry`, run as an operator would.
@Suite(.serialized) struct JobsCommandTests {
    @Test func badArgumentsAreRefusedNamingTheArgument() throws {
        let badStatus = try CommandLineRunner.run(["jobs", "list", "--env", "testing", "--status", "zombie"])
        #expect(badStatus.status != 0)
        #expect(badStatus.stderr.contains("--status must be one of queued, running, succeeded, dead"))
        let badLimit = try CommandLineRunner.run(["jobs", "list", "--env", "testing", "--limit", "0"])
        #expect(badLimit.status != 0)
        #expect(badLimit.stderr.contains("--limit must be between 1 and 500"))
        let badID = try CommandLineRunner.run(["jobs", "retry", "--env", "testing", "not-a-uuid"])
        #expect(badID.status != 0)
        #expect(badID.stderr.contains("ID must be a job id"))
        let badSleep = try CommandLineRunner.run(["jobs", "ping", "--env", "testing", "--sleep-ms", "-5"])
        #expect(badSleep.status != 0)
    }

    @Test func anOperatorListsADeadJobAndRetriesIt() async throws {
        // setup: a migrated SQLite file holding one dead job (its kind has no handler)
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("jobs.sqlite").path
        let environment = ["MERCATO_DATABASE_DATABASE": path]
        var settings = try TestSupport.settings()
        settings.database = .sqlite(path: path)
        var id = UUID()
        try await TestSupport.withApp(settings) { app in
            id = try await JobQueue.enqueue(
                JobKind("test.retired_kind"), payload: JobFixtures.Echo(message: "x"), on: app.db)
            try await app.jobs.runDueJobs()
        }
        let idText = id.uuidString.lowercased()

        // MUT: list the dead letters
        let listed = try CommandLineRunner.run(["jobs", "list", "--env", "testing"], environment: environment)
        // validate
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains(idText))
        #expect(listed.stdout.contains("test.retired_kind  dead  attempts 1/8"))
        #expect(listed.stdout.contains("last error: no handler is registered for job kind 'test.retired_kind'"))

        // MUT: retry it
        let retried = try CommandLineRunner.run(
            ["jobs", "retry", "--env", "testing", idText], environment: environment)
        // validate: queued again; a second retry and an unknown id are refused
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stdout.contains("Queued again: \(idText)"))
        let queued = try CommandLineRunner.run(
            ["jobs", "list", "--env", "testing", "--status", "queued"], environment: environment)
        #expect(queued.stdout.contains(idText))
        let again = try CommandLineRunner.run(["jobs", "retry", "--env", "testing", idText], environment: environment)
        #expect(again.status != 0)
        #expect(again.stderr.contains("is queued; only dead jobs can be retried"))
        let unknown = try CommandLineRunner.run(
            ["jobs", "retry", "--env", "testing", UUID().uuidString], environment: environment)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no job"))
        let dead = try CommandLineRunner.run(["jobs", "list", "--env", "testing"], environment: environment)
        #expect(dead.stdout.contains("No dead jobs."))
    }
}
