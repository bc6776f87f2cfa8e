import ArgumentParser
import Fluent
import Foundation
import Vapor

/// `mercato inventory`: checks on stock from the command line.
struct InventoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory", abstract: "Check stock levels against the inventory ledger.",
        subcommands: [Verify.self])

    /// `mercato inventory verify`: replays the ledger against the levels; exits 1 on any difference.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay the inventory ledger against every variant's stock and report any difference.")

        @ArgumentParser.OptionGroup var options: EnvironmentOptions

        func run() async throws {
            let settings = try await options.loadSettings()
            LoggingBootstrap.bootstrap(settings.log.quietForCommands)
            var found: [LedgerDiscrepancy] = []
            try await MercatoApplication.withApplication(settings: settings) { app in
                found = try await app.inventory.verifyLedger()
            }
            guard !found.isEmpty else {
                print("The inventory ledger explains every stock level.")
                return
            }
            for discrepancy in found.prefix(100) { print(discrepancy) }
            if found.count > 100 { print("… and \(found.count - 100) more.") }
            throw CommandFailure("\(found.count) variant(s) whose stock the ledger doesn't explain")
        }
    }
}
