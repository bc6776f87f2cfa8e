import ArgumentParser
import Foundation

/// `mercato migration new Name`: scaffolds the next numbered migration and registers it.
struct MigrationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migration", abstract: "Work with migration files.", subcommands: [New.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the next numbered migration file from the template and register it.")

        @Argument(help: "UpperCamelCase name, e.g. CreateProducts or UpdateProductsAddWeight.")
        var name: String

        @Option(help: "Domain folder under Sources/Mercato that owns the table, e.g. Catalog.")
        var domain = "Platform"

        @Option(name: .customLong("sources"), help: "The Mercato library's source folder.")
        var sourcesDirectory = "Sources/Mercato"

        func validate() throws {
            guard MigrationScaffold.isTypeName(name) else {
                throw ValidationError(
                    "NAME must be UpperCamelCase letters and digits (e.g. CreateProducts), got '\(name)'")
            }
            guard MigrationScaffold.isTypeName(domain) else {
                throw ValidationError("--domain must be an UpperCamelCase folder name (e.g. Catalog), got '\(domain)'")
            }
        }

        func run() throws {
            let scaffold = MigrationScaffold(sources: URL(fileURLWithPath: sourcesDirectory))
            let file = try scaffold.create(name: name, domain: domain)
            print(file.path)
        }
    }
}
