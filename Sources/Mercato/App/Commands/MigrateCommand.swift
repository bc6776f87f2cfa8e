import ArgumentParser
import Foundation
import Vapor

/// `mercato migrate`: applies pending migrations, or reverts the last batch, after confirmation.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending migrations, or revert applied ones.")

    @ArgumentParser.OptionGroup var options: EnvironmentOptions

    @ArgumentParser.Flag(help: "Revert the most recent batch instead of applying.")
    var revert = false

    @ArgumentParser.Flag(help: "With --revert: revert every batch.")
    var all = false

    @ArgumentParser.Flag(name: .customLong("dry-run"), help: "List what would run and change nothing.")
    var dryRun = false

    @ArgumentParser.Flag(name: .shortAndLong, help: "Don't ask for confirmation.")
    var yes = false

    func validate() throws {
        if all && !revert { throw ValidationError("--all only applies together with --revert") }
    }

    func run() async throws {
        let settings = try await options.loadSettings()
        LoggingBootstrap.bootstrap(settings.log)
        try await MercatoApplication.withApplication(settings: settings) { app in
            try await migrate(with: MigrationRunner(app: app), target: settings.database.summary)
        }
    }

    private func migrate(with runner: MigrationRunner, target: String) async throws {
        let names = revert ? try await runner.applied(lastBatchOnly: !all) : try await runner.pending()
        guard !names.isEmpty else {
            if revert { throw CommandFailure("nothing to revert: no migrations are applied on \(target)") }
            print("Nothing to migrate: \(target) is up to date.")
            return
        }
        let verb = revert ? "revert" : "apply"
        print("Migrations to \(verb) on \(target):")
        for name in names { print("  \(name)") }
        if dryRun {
            print("Dry run: nothing was changed.")
            return
        }
        if !yes { try confirm("\(verb.capitalized) \(names.count) migration(s)? [y/N] ") }
        if revert {
            try await runner.revert(lastBatchOnly: !all, actor: Self.actor)
        } else {
            try await runner.apply(actor: Self.actor)
        }
        print("Done: \(names.count) migration(s) \(revert ? "reverted" : "applied").")
    }

    private func confirm(_ prompt: String) throws {
        print(prompt, terminator: "")
        guard let answer = readLine() else {
            throw CommandFailure("no confirmation on standard input; pass --yes to migrate non-interactively")
        }
        guard ["y", "yes"].contains(answer.lowercased()) else { throw CommandFailure("aborted: nothing was changed") }
    }

    private static var actor: String {
        "migrate (\(ProcessInfo.processInfo.environment["USER"] ?? "unknown user"))"
    }
}

extension DatabaseSettings {
    /// How prompts name the database, without credentials.
    var summary: String {
        switch self {
        case .sqlite(let path) where path == Self.inMemoryPath: "in-memory SQLite"
        case .sqlite(let path): "SQLite \(path)"
        case .postgres(let postgres): "PostgreSQL \(postgres.database) at \(postgres.host):\(postgres.port)"
        }
    }
}
