import ArgumentParser
import Fluent
import Foundation
import Vapor

/// `mercato reindex`: rebuilds the search index from the catalogue.
struct ReindexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex", abstract: "Rebuild the search index from the catalogue tables.")

    @ArgumentParser.OptionGroup var options: EnvironmentOptions

    func run() async throws {
        let settings = try await options.loadSettings()
        LoggingBootstrap.bootstrap(settings.log.quietForCommands)
        try await MercatoApplication.withApplication(settings: settings) { app in
            let bar = ProgressBar(noun: "products indexed")
            try await app.searchEngine.rebuild(on: app.db) { bar.draw(done: $0, total: $1) }
            await app.catalogCache.retireAfterCommand()
        }
    }
}
