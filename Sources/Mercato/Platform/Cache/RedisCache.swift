import Foundation
import NIOCore
import RedisClient

/// The cache on Redis, shared by every instance. Keys are namespaced so one Redis can serve several apps.
///
/// Every operation names one key, so it works the same on a single server (``RedisConnectionPool``)
/// and on a cluster (``RedisClusterClient``), where each key lives on the primary owning its slot.
struct RedisCache: Cache {
    let redis: any RedisCommandExecutor
    var namespace = "mercato:"

    func get(_ key: String) async throws -> [UInt8]? {
        try await redis.get(namespace + key).map { Array(buffer: $0) }
    }

    func set(_ key: String, to value: [UInt8], expiresIn ttl: Duration?) async throws {
        _ = try await redis.set(namespace + key, to: value, expiresInMilliseconds: ttl?.wholeMilliseconds)
    }

    func delete(_ key: String) async throws {
        _ = try await redis.delete(namespace + key)
    }

    func increment(_ key: String, by amount: Int, expiresIn ttl: Duration?) async throws -> Int {
        let value = try await redis.incrBy(namespace + key, by: amount)
        // Only the increment that created the key sets its expiry, so a window isn't extended forever.
        if let ttl, value == amount {
            _ = try await redis.pexpire(namespace + key, milliseconds: ttl.wholeMilliseconds)
        }
        return value
    }
}
