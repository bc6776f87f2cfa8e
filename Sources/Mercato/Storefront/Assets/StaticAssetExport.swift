import Foundation
import Vapor

/// Writes the hashed `Public/` files into a folder under the names the app serves them at
/// (`/static/<name>`), so a deploy can copy them to the CDN's bucket (`scripts/deploy`) before the
/// release that links to them starts. Names, bytes and types come from `StaticAssets`, the same code
/// the server uses, so the bucket can never disagree with the app.
enum StaticAssetExport {
    /// One written file, as `mercato assets export --json` reports it.
    struct ExportedFile: Codable, Equatable, Sendable {
        /// `site.3f2a9c1d.css`: the file's name in the folder and its path under `/static/`.
        var name: String
        /// The `Content-Type` the app serves it with.
        var contentType: String
        var size: Int
    }

    /// The export's report: every file, and the caching header the app serves them all with.
    struct Manifest: Codable, Equatable, Sendable {
        var cacheControl: String
        var files: [ExportedFile]
    }

    /// Writes every asset into `directory` (created when missing; it must be empty when it exists,
    /// so it ends up holding exactly the served files).
    static func write(_ assets: StaticAssets, to directory: URL) throws(StaticAssetExportError) -> Manifest {
        let path = directory.path
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .notAFolder(path: path) }
            let entries = (try? files.contentsOfDirectory(atPath: path)) ?? []
            guard entries.isEmpty else { throw .notEmpty(path: path, entries: entries.count) }
        } else {
            do {
                try files.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw .notWritable(path: path, reason: Self.reason(error, creating: directory))
            }
        }
        var exported: [ExportedFile] = []
        for asset in assets.all {
            do {
                try asset.data.write(
                    to: directory.appendingPathComponent(asset.hashedName), options: .withoutOverwriting)
            } catch {
                throw .notWritable(path: path, reason: (error as NSError).localizedDescription)
            }
            exported.append(
                ExportedFile(name: asset.hashedName, contentType: asset.contentType.serialize(), size: asset.data.count)
            )
        }
        return Manifest(cacheControl: StaticAssets.cacheControl, files: exported)
    }

    /// Foundation's errors here read "error 512"; name what is actually in the way instead.
    private static func reason(_ error: any Error, creating directory: URL) -> String {
        var ancestor = directory.deletingLastPathComponent()
        while ancestor.path != "/", !FileManager.default.fileExists(atPath: ancestor.path) {
            ancestor = ancestor.deletingLastPathComponent()
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return "'\(ancestor.path)' is a file, not a folder"
        }
        if access(ancestor.path, W_OK) != 0 {
            return "permission denied in '\(ancestor.path)'"
        }
        return (error as NSError).localizedDescription
    }
}

/// Why `mercato assets export DIR` wrote nothing usable; each names the DIR argument.
enum StaticAssetExportError: Error, Equatable, CustomStringConvertible {
    case notAFolder(path: String)
    case notEmpty(path: String, entries: Int)
    case notWritable(path: String, reason: String)
    case nothingToExport(publicDirectory: String)

    var description: String {
        switch self {
        case .notAFolder(let path):
            "DIR '\(path)' is a file, not a folder"
        case .notEmpty(let path, let entries):
            "DIR '\(path)' is not empty (\(entries) \(entries == 1 ? "entry" : "entries")): give a new or empty folder, so it holds exactly "
                + "the files the app serves"
        case .notWritable(let path, let reason):
            "DIR '\(path)' is not writable: \(reason)"
        case .nothingToExport(let publicDirectory):
            "no static files in '\(publicDirectory)': run from the folder holding Public/, as the server is"
        }
    }
}
