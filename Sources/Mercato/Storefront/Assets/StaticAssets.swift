import Crypto
import Foundation
import Leaf
import Vapor

/// The files directly under `Public/`, each published under a name carrying a hash of its content
/// (`site.css` → `site.3f2a9c1d.css`). A changed file gets a new URL, so browsers and CDNs may keep
/// every URL forever (`immutable`) and a deploy is never half-cached.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        var data: Data
        var contentType: HTTPMediaType
        /// `site.3f2a9c1d.css`
        var hashedName: String
    }

    /// What the app and the CDN copy (`scripts/deploy` uploads with it) send with every asset: the name
    /// changes with the content, so a cached copy never goes stale.
    static let cacheControl = "public, max-age=31536000, immutable"

    private let byName: [String: Asset]
    private let byHashedName: [String: Asset]

    /// Every published asset, ordered by hashed name.
    var all: [Asset] {
        byHashedName.keys.sorted().compactMap { byHashedName[$0] }
    }

    init(files: [String: Data]) {
        var byName: [String: Asset] = [:]
        for (name, data) in files {
            let url = URL(fileURLWithPath: name)
            let hash = SHA256.hash(data: data).prefix(4).hexString
            let stem = url.deletingPathExtension().lastPathComponent
            let hashedName = url.pathExtension.isEmpty ? "\(stem).\(hash)" : "\(stem).\(hash).\(url.pathExtension)"
            byName[name] = Asset(
                data: data, contentType: Self.contentType(for: url.pathExtension), hashedName: hashedName)
        }
        self.byName = byName
        byHashedName = Dictionary(uniqueKeysWithValues: byName.values.map { ($0.hashedName, $0) })
    }

    /// Reads the regular, non-hidden files directly in `directory`; a missing directory is empty.
    static func load(from directory: String) throws -> StaticAssets {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        guard FileManager.default.fileExists(atPath: folder.path) else { return StaticAssets(files: [:]) }
        var files: [String: Data] = [:]
        let entries = try FileManager.default.contentsOfDirectory(
            at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        for entry in entries where try entry.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            files[entry.lastPathComponent] = try Data(contentsOf: entry)
        }
        return StaticAssets(files: files)
    }

    /// `/static/site.3f2a9c1d.css` for `site.css`, or nil when `Public/` has no such file.
    func url(for name: String) -> String? {
        byName[name].map { SiteURL.staticAsset(file: $0.hashedName).path }
    }

    /// The asset published under this exact hashed name; an old or invented hash finds nothing.
    func asset(hashedName: String) -> Asset? {
        byHashedName[hashedName]
    }

    private static func contentType(for fileExtension: String) -> HTTPMediaType {
        switch fileExtension.lowercased() {
        case "css": HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
        case "js": HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
        default: HTTPMediaType.fileExtension(fileExtension) ?? .binary
        }
    }
}

extension Application {
    private struct StaticAssetsKey: StorageKey {
        typealias Value = StaticAssets
    }

    /// The hashed `Public/` files, read when the application boots.
    var staticAssets: StaticAssets {
        get { storage[StaticAssetsKey.self] ?? StaticAssets(files: [:]) }
        set { storage[StaticAssetsKey.self] = newValue }
    }
}

/// Hashes `Public/` at boot, after tests and commands have set the application's directory.
struct StaticAssetsLoader: LifecycleHandler {
    func willBoot(_ application: Application) throws {
        application.staticAssets = try StaticAssets.load(from: application.directory.publicDirectory)
    }
}

/// `#asset("site.css")` in templates: the file's hashed URL.
struct AssetTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        let name = ctx.parameters.first?.string ?? ""
        guard let application = ctx.application else { return .string(SiteURL.staticAsset(file: name).path) }
        if let url = application.staticAssets.url(for: name) { return .string(url) }
        // A missing file is a packaging mistake; the page still renders (unstyled) and the log says why.
        application.logger.error("asset '\(name)' is not in Public/; its link will 404")
        return .string(SiteURL.staticAsset(file: name).path)
    }
}
