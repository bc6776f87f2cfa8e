import Foundation
import NIOCore
import RedisClient

/// The cache on Redis, shared by every instance. Keys are namespaced so one Redis can serve several apps.
struct RedisCache: Cache {
    let pool: RedisConnectionPool
    var namespace = "mercato:"

    func get(_ key: String) async throws -> [UInt8]? {
        try await pool.get(namespace + key).map { Array(buffer: $0) }
    }

    func set(_ key: String, to value: [UInt8], expiresIn ttl: Duration?) async throws {
        _ = try await pool.set(namespace + key, to: value, expiresInMilliseconds: ttl?.wholeMilliseconds)
    }

    func delete(_ key: String) async throws {
        _ = try await pool.delete(namespace + key)
    }

    func increment(_ key: String, by amount: Int, expiresIn ttl: Duration?) async throws -> Int {
        let value = try await pool.incrBy(namespace + key, by: amount)
        // Only the increment that created the key sets its expiry, so a window isn't extended forever.
        if let ttl, value == amount { _ = try await pool.pexpire(namespace + key, milliseconds: ttl.wholeMilliseconds) }
        return value
    }
}
