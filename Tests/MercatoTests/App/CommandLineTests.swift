import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import Mercato

/// The `mercato` binary as operators use it: exit codes and one clear line for every mistake.
@Suite struct CommandLineTests {
    @Test func versionPrintsVersionAndCommit() throws {
        let outcome = try CommandLineRunner.run(["--version"])
        let version = try String(
            contentsOf: TestSupport.repositoryRoot.appendingPathComponent("VERSION"), encoding: .utf8)
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasPrefix(version.trimmingCharacters(in: .whitespacesAndNewlines) + " (commit "))
    }

    @Test func unknownEnvironmentIsOneClearError() throws {
        let outcome = try CommandLineRunner.run(["config", "print", "--env", "qa"])
        #expect(outcome.status != 0)
        #expect(
            outcome.stderr.contains(
                "unknown environment 'qa'; expected one of development, testing, staging, production"))
        #expect(!outcome.stderr.contains("Fatal error"))
    }

    @Test func unknownRoleIsRefused() throws {
        let outcome = try CommandLineRunner.run(["serve", "--role", "chef", "--env", "testing"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("'chef'"))
        #expect(outcome.stderr.contains("--role"))
    }

    @Test func portOutOfRangeIsRefused() throws {
        let outcome = try CommandLineRunner.run(["serve", "--port", "70000", "--env", "testing"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("--port must be between 1 and 65535, got 70000"))
    }

    @Test func malformedYAMLNamesTheFileAndLine() throws {
        // setup
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "server:\n  port: 8080\n   host: bad-indent\n".write(
            to: directory.appendingPathComponent("development.yaml"), atomically: true, encoding: .utf8)
        // MUT
        let outcome = try CommandLineRunner.run(["config", "print", "--config-dir", directory.path])
        // validate
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("malformed YAML"))
        #expect(outcome.stderr.contains("development.yaml:3"))
    }

    @Test func productionListsEveryMissingSetting() throws {
        let outcome = try CommandLineRunner.run(["serve", "--env", "production"])
        #expect(outcome.status != 0)
        for variable in ["BASE_URL", "DB_HOST", "DB_PASSWORD"] {
            #expect(outcome.stderr.contains("${\(variable)} is not set"))
        }
        #expect(!outcome.stderr.contains("Fatal error"))
    }

    @Test func configPrintRedactsThePassword() throws {
        let environment = TestSupport.deployedVariables.merging(["DB_PASSWORD": "hunter2-pw"]) { _, new in new }
        let outcome = try CommandLineRunner.run(["config", "print", "--env", "production"], environment: environment)
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("database.host:"))
        #expect(outcome.stdout.contains("# environment: production"))
        #expect(!outcome.stdout.contains("hunter2-pw"))
    }

    @Test func migrationNewRefusesABadName() throws {
        let outcome = try CommandLineRunner.run(["migration", "new", "create-products"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("NAME must be UpperCamelCase"))
    }
}

/// `mercato migrate` against a throwaway SQLite file.
@Suite(.serialized) struct MigrateCommandTests {
    let directory: URL
    let environment: [String: String]

    init() throws {
        directory = try TestSupport.temporaryDirectory()
        environment = ["MERCATO_DATABASE_DATABASE": directory.appendingPathComponent("shop.sqlite").path]
    }

    private func migrate(_ arguments: [String], input: String? = nil) throws -> CommandLineRunner.Outcome {
        try CommandLineRunner.run(["migrate", "--env", "testing"] + arguments, environment: environment, input: input)
    }

    @Test func fullMigrateLifecycle() throws {
        defer { try? FileManager.default.removeItem(at: directory) }

        let nothingToRevert = try migrate(["--revert", "--yes"])
        #expect(nothingToRevert.status != 0)
        #expect(nothingToRevert.stderr.contains("nothing to revert"))

        let dryRun = try migrate(["--dry-run"])
        #expect(dryRun.status == 0)
        #expect(dryRun.stdout.contains("0001_create_audit_events"))
        #expect(dryRun.stdout.contains("Dry run: nothing was changed."))
        let dryRunChangedNothing = try migrate(["--dry-run"]).stdout.contains("0001_create_audit_events")
        #expect(dryRunChangedNothing)

        let unconfirmed = try migrate([])
        #expect(unconfirmed.status != 0)
        #expect(unconfirmed.stderr.contains("pass --yes"))

        let declined = try migrate([], input: "n\n")
        #expect(declined.status != 0)
        #expect(declined.stderr.contains("aborted"))

        let applied = try migrate([], input: "y\n")
        #expect(applied.status == 0)
        #expect(applied.stdout.contains("Done: \(MigrationList.all.count) migration(s) applied."))

        let again = try migrate(["--yes"])
        #expect(again.stdout.contains("Nothing to migrate"))

        let reverted = try migrate(["--revert", "--yes"])
        #expect(reverted.status == 0)
        #expect(reverted.stdout.contains("Done: \(MigrationList.all.count) migration(s) reverted."))
        let pendingAgainAfterRevert = try migrate(["--dry-run"]).stdout.contains("0001_create_audit_events")
        #expect(pendingAgainAfterRevert)
    }
}
