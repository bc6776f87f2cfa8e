import ArgumentParser
import Foundation
import Vapor

/// `mercato assets export DIR`: the storefront's hashed static files, for the CDN's bucket.
struct AssetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assets", abstract: "Work with the storefront's static files.", subcommands: [Export.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the files served under /static/ (content-hashed names) into DIR.",
            discussion: """
                Reads Public/ from the working directory, as `mercato serve` does. DIR is created when \
                missing and must be empty when it exists. scripts/deploy uploads the result to the \
                bucket's static/ prefix before the services change.
                """)

        @ArgumentParser.Argument(help: ArgumentHelp("The folder to write into (new or empty).", valueName: "DIR"))
        var directory: String

        @ArgumentParser.Flag(help: "Print a JSON manifest (name, contentType, size of every file, and cacheControl).")
        var json = false

        func validate() throws {
            guard !directory.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("DIR must name a folder, got an empty string")
            }
        }

        func run() throws {
            let publicDirectory = DirectoryConfiguration.detect().publicDirectory
            let assets = try StaticAssets.load(from: publicDirectory)
            guard !assets.all.isEmpty else {
                throw CommandFailure(
                    StaticAssetExportError.nothingToExport(publicDirectory: publicDirectory).description)
            }
            let target = URL(fileURLWithPath: directory, isDirectory: true)
            let manifest: StaticAssetExport.Manifest
            do {
                manifest = try StaticAssetExport.write(assets, to: target)
            } catch {
                throw CommandFailure(error.description)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(manifest), as: UTF8.self))
            } else {
                for file in manifest.files {
                    print("\(target.appendingPathComponent(file.name).path)  \(file.contentType), \(file.size) bytes")
                }
            }
        }
    }
}
