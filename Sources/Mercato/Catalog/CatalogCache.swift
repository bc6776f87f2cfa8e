import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Catalogue read results, cached as encoded JSON under a catalogue-wide version.
///
/// A write bumps the version in the shared cache, so every instance stops using older entries:
/// with Redis, within `versionRefresh` (1 s) of the write; entries also expire after `ttl` as a
/// backstop. If the cache is down, reads go to the database.
final class CatalogCache: Sendable {
    static let versionKey = "catalog:version"
    let cache: any Cache
    let ttl: Duration
    let versionRefresh: Duration
    private let version = NIOLockedValueBox<(value: Int, readAt: ContinuousClock.Instant)?>(nil)
    private let categories = NIOLockedValueBox<
        (version: Int, loadedAt: ContinuousClock.Instant, index: CategoryIndex)?
    >(nil)

    init(cache: any Cache, ttl: Duration = .seconds(300), versionRefresh: Duration = .seconds(1)) {
        self.cache = cache
        self.ttl = ttl
        self.versionRefresh = versionRefresh
    }

    /// The cached JSON for `key`, or `produce()` encoded, stored and returned.
    func json(_ key: String, produce: () async throws -> some Encodable) async throws -> Data {
        let entry = try await lookup(key)
        if let hit = entry.hit { return hit }
        let body = try JSONEncoder.api.encode(try await produce())
        try await entry.store(body)
        return body
    }

    /// An entry of the current catalogue version: its bytes if cached, and how to store them.
    /// The version is read once, so bytes computed after a write never land under a newer version.
    func lookup(_ key: String) async throws -> Entry {
        let fullKey = "catalog:v\(try await currentVersion()):\(key)"
        return Entry(hit: try await cache.get(fullKey).map { Data($0) }, key: fullKey, owner: self)
    }

    struct Entry {
        let hit: Data?
        fileprivate let key: String
        fileprivate let owner: CatalogCache

        func store(_ body: Data) async throws {
            try await owner.cache.set(key, to: Array(body), expiresIn: owner.ttl)
        }
    }

    /// The category tree of the current catalogue version, held in process: every product page,
    /// listing and breadcrumb needs it, and it changes only with the catalogue. Reloaded when the
    /// version moves, and at least every `ttl` like any cached read.
    func categoryIndex(load: () async throws -> CategoryIndex) async throws -> CategoryIndex {
        let current = try await currentVersion()
        let now = ContinuousClock.now
        if let held = categories.withLockedValue({ $0 }), held.version == current, now - held.loadedAt < ttl {
            return held.index
        }
        let index = try await load()
        categories.withLockedValue { $0 = (current, now, index) }
        return index
    }

    /// Call after any catalogue write.
    func invalidate() async throws {
        let next = try await cache.increment(Self.versionKey, by: 1, expiresIn: nil)
        version.withLockedValue { $0 = (next, ContinuousClock.now) }
    }

    private func currentVersion() async throws -> Int {
        let now = ContinuousClock.now
        if let known = version.withLockedValue({ $0 }), now - known.readAt < versionRefresh { return known.value }
        let stored = try await cache.get(Self.versionKey).flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
        version.withLockedValue { $0 = (stored, now) }
        return stored
    }
}

extension Application {
    private struct CatalogCacheKey: StorageKey {
        typealias Value = CatalogCache
    }

    var catalogCache: CatalogCache {
        get {
            guard let cache = storage[CatalogCacheKey.self] else {
                fatalError("AdapterSetup installs the catalogue cache")
            }
            return cache
        }
        set { storage[CatalogCacheKey.self] = newValue }
    }
}
