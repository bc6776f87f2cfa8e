import Foundation
import RedisClient
import Testing

@testable import Mercato

/// One contract every cache adapter keeps: the in-memory LRU, Redis, and Redis Cluster.
@Suite struct CacheContractTests {
    enum Adapter: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case memory, redis, redisCluster
        var testDescription: String { rawValue }
        static var available: [Adapter] {
            [.memory] + (TestServices.redisEnabled ? [.redis] : [])
                + (TestServices.redisClusterEnabled ? [.redisCluster] : [])
        }
    }

    /// A fresh cache of the adapter, with a unique namespace so parallel tests never collide.
    private func withCache(_ adapter: Adapter, _ body: (any Cache) async throws -> Void) async throws {
        switch adapter {
        case .memory:
            try await body(MemoryCache())
        case .redis:
            let url = try #require(TestServices.redisURL, "MERCATO_TEST_REDIS_URL is required")
            let pool = try RedisConnectionPool(configuration: RedisConfiguration(url: url))
            do {
                try await body(RedisCache(redis: pool, namespace: "test:\(UUID().uuidString):"))
            } catch {
                await pool.shutdown()
                throw error
            }
            await pool.shutdown()
        case .redisCluster:
            let client = try RedisClusterClient(
                seeds: TestServices.redisClusterSeeds(), configuration: RedisConfiguration(maximumConnections: 4))
            do {
                try await body(RedisCache(redis: client, namespace: "test:\(UUID().uuidString):"))
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
        }
    }

    @Test(arguments: Adapter.available) func storesAndReturnsBytes(adapter: Adapter) async throws {
        try await withCache(adapter) { cache in
            let value: [UInt8] = [0, 1, 2, 255, 0x0A, 0x0D]
            try await cache.set("a", to: value, expiresIn: nil)
            let stored = try await cache.get("a")
            #expect(stored == value)
            let missing = try await cache.get("b")
            #expect(missing == nil)
            try await cache.delete("a")
            let deleted = try await cache.get("a")
            #expect(deleted == nil)
        }
    }

    @Test(arguments: Adapter.available) func entriesExpire(adapter: Adapter) async throws {
        try await withCache(adapter) { cache in
            try await cache.set("short", to: Array("x".utf8), expiresIn: .milliseconds(150))
            try await cache.set("long", to: Array("y".utf8), expiresIn: .seconds(30))
            try await Task.sleep(for: .milliseconds(400))
            let short = try await cache.get("short")
            let long = try await cache.get("long")
            #expect(short == nil)
            #expect(long == Array("y".utf8))
        }
    }

    @Test(arguments: Adapter.available) func incrementsAtomicallyAcrossTasks(adapter: Adapter) async throws {
        try await withCache(adapter) { cache in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await cache.increment("counter", by: 1, expiresIn: .seconds(30)) }
                }
                var seen: [Int] = []
                for try await value in group { seen.append(value) }
                #expect(seen.sorted() == Array(1...50))
            }
            let final = try await cache.increment("counter", by: 5, expiresIn: nil)
            #expect(final == 55)
        }
    }

    @Test(arguments: Adapter.available) func counterWindowExpires(adapter: Adapter) async throws {
        try await withCache(adapter) { cache in
            _ = try await cache.increment("window", by: 1, expiresIn: .milliseconds(150))
            _ = try await cache.increment("window", by: 1, expiresIn: .milliseconds(150))
            try await Task.sleep(for: .milliseconds(400))
            let restarted = try await cache.increment("window", by: 1, expiresIn: .milliseconds(150))
            #expect(restarted == 1)
        }
    }
}

@Suite struct MemoryCacheTests {
    @Test func evictsTheLeastRecentlyUsed() async throws {
        let cache = MemoryCache(maximumEntries: 3)
        for key in ["a", "b", "c"] { try await cache.set(key, to: [1], expiresIn: nil) }
        _ = try await cache.get("a")  // a is now the most recent
        try await cache.set("d", to: [1], expiresIn: nil)
        let evicted = try await cache.get("b")
        let kept = try await cache.get("a")
        #expect(evicted == nil)
        #expect(kept == [1])
        #expect(cache.count == 3)
    }

    @Test func staysWithinItsByteBudget() async throws {
        let cache = MemoryCache(maximumEntries: 1_000, maximumBytes: 1_000)
        for index in 0..<50 { try await cache.set("k\(index)", to: [UInt8](repeating: 7, count: 100), expiresIn: nil) }
        #expect(cache.count == 10)
        let newest = try await cache.get("k49")
        #expect(newest?.count == 100)
    }
}
