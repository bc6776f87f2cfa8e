import Foundation
import Vapor

/// The cache port: byte values with optional expiry, plus an atomic counter for versions and rate
/// limits. In-memory by default, Redis when instances must share it.
protocol Cache: Sendable {
    func get(_ key: String) async throws -> [UInt8]?
    func set(_ key: String, to value: [UInt8], expiresIn ttl: Duration?) async throws
    func delete(_ key: String) async throws
    /// Adds `amount` and returns the new value; a missing key starts at zero and gets `ttl`.
    func increment(_ key: String, by amount: Int, expiresIn ttl: Duration?) async throws -> Int
}

extension Application {
    private struct CacheKey: StorageKey {
        typealias Value = any Cache
    }

    /// The configured cache, already wrapped so a failing backend degrades to misses.
    var dataCache: any Cache {
        get {
            guard let cache = storage[CacheKey.self] else { fatalError("MercatoApplication.make sets the cache") }
            return cache
        }
        set { storage[CacheKey.self] = newValue }
    }
}

extension Duration {
    /// Whole milliseconds, at least one (Redis `PX` rejects zero).
    var wholeMilliseconds: Int {
        max(1, Int(components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000))
    }
}
