import Foundation
import Vapor

/// Chooses each port's adapter from configuration at boot (never by `#if`).
enum AdapterSetup {
    static func configure(_ app: Application, settings: Settings) throws {
        switch settings.adapters.storage {
        case .local:
            app.objectStorage = LocalDirectoryStorage(root: URL(fileURLWithPath: settings.storage.directory))
        case .s3:
            throw AdapterUnavailable(port: "storage", adapter: "s3")
        }
        switch settings.adapters.search {
        case .database:
            app.searchEngine = DatabaseSearchEngine()
        case .opensearch:
            throw AdapterUnavailable(port: "search", adapter: "opensearch")
        }
    }
}

/// A configured adapter this build can't provide.
struct AdapterUnavailable: Error, CustomStringConvertible {
    var port: String
    var adapter: String
    var description: String { "adapters.\(port): the \(adapter) adapter is not available in this build" }
}
