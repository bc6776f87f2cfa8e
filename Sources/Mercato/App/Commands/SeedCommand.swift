import ArgumentParser
import Fluent
import Foundation
import Vapor

/// `mercato seed`: the deterministic demo catalogue, for demos and benchmarks.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed", abstract: "Create the demo catalogue (idempotent: existing products are kept).")

    @ArgumentParser.OptionGroup var options: EnvironmentOptions

    @ArgumentParser.Option(help: "How many products, 1–100000.")
    var products = 1_000

    @ArgumentParser.Option(help: "Generator seed: the same seed gives the same catalogue.")
    var seed: UInt64 = 42

    func validate() throws {
        guard (1...100_000).contains(products) else {
            throw ValidationError("--products must be between 1 and 100000, got \(products)")
        }
    }

    func run() async throws {
        let settings = try await options.loadSettings()
        LoggingBootstrap.bootstrap(settings.log.quietForCommands)
        try await MercatoApplication.withApplication(settings: settings) { app in
            let pending = try await MigrationRunner(app: app).pending()
            guard pending.isEmpty else {
                throw CommandFailure(
                    "the schema is not up to date (\(pending.count) pending); run `mercato migrate` first")
            }
            let bar = ProgressBar(noun: "products")
            let outcome = try await DemoCatalogSeeder(
                database: app.db, search: app.searchEngine, storage: app.objectStorage, seed: seed
            ).run(products: products) { bar.draw(done: $0, total: $1) }
            let commerce = try await DemoCommerceSeeder(database: app.db).run()
            await app.catalogCache.retireAfterCommand()
            print("Seeded \(outcome.created) new products (\(outcome.skipped) already present).")
            print("Seeded \(commerce.created) shipping methods, tax rates and coupons.")
        }
    }
}

extension LogSettings {
    /// Batch commands print their own progress; per-query info lines would bury it.
    var quietForCommands: LogSettings {
        LogSettings(level: level.loggerLevel < .warning ? .warning : level, format: format)
    }
}
