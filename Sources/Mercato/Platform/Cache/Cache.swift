import Foundation
import Vapor

/// The cache port: byte values with optional expiry, an atomic counter for versions and sign-in
/// attempts, and token buckets for rate limits. In-memory by default, Redis when instances must share it.
protocol Cache: Sendable {
    func get(_ key: String) async throws -> [UInt8]?
    func set(_ key: String, to value: [UInt8], expiresIn ttl: Duration?) async throws
    func delete(_ key: String) async throws
    /// Adds `amount` and returns the new value; a missing key starts at zero and gets `ttl`.
    func increment(_ key: String, by amount: Int, expiresIn ttl: Duration?) async throws -> Int
    /// Takes one token from the bucket at `key` atomically (a missing bucket is full), so a rate
    /// limit holds across every instance sharing the cache.
    func takeToken(_ key: String, from bucket: TokenBucket) async throws -> TokenBucket.Draw
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
