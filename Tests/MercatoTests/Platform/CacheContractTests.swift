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

    @Test(arguments: Adapter.available) func aTokenBucketLetsABurstThroughThenRefills(adapter: Adapter) async throws {
        try await withCache(adapter) { cache in
            // setup: five tokens that come back one per 100 s, so however slowly eight racing requests
            // finish on a loaded machine none comes back meanwhile (at one per 500 ms, one CI run in
            // a few dozen let a sixth through); and a fast bucket for the refill
            let slow = TokenBucket(capacity: 5, refillPerSecond: 0.01)
            let fast = TokenBucket(capacity: 5, refillPerSecond: 2)
            // act: eight racing requests; then the fast bucket emptied and left for three tokens' worth
            let draws = try await withThrowingTaskGroup(of: TokenBucket.Draw.self) { group in
                for _ in 0..<8 { group.addTask { try await cache.takeToken("bucket", from: slow) } }
                var draws: [TokenBucket.Draw] = []
                for try await draw in group { draws.append(draw) }
                return draws
            }
            for _ in 0..<5 { _ = try await cache.takeToken("refilling", from: fast) }
            try await Task.sleep(for: .milliseconds(1_600))
            let afterPause = try await cache.takeToken("refilling", from: fast)
            let other = try await cache.takeToken("another client", from: fast)
            // verify: exactly the burst got through, the refused were told to wait about one token
            #expect(draws.filter(\.allowed).count == 5)
            #expect(draws.filter(\.allowed).map(\.remaining).sorted() == [0, 1, 2, 3, 4])
            for refused in draws where !refused.allowed {
                #expect(refused.remaining == 0)
                #expect((1...100_000).contains(refused.millisecondsUntilNextToken))
            }
            #expect(afterPause.allowed)
            // At least three tokens came back in 1.6 s (more on a slow machine), one was taken; never past the capacity.
            #expect((2...4).contains(afterPause.remaining))
            #expect(other.allowed && other.remaining == 4)
        }
    }
}

@Suite struct TokenBucketTests {
    let bucket = TokenBucket(capacity: 3, refillPerSecond: 1)

    @Test func aNewClientHasTheWholeBurst() {
        let (state, draw) = bucket.draw(from: nil, now: 10_000)
        #expect(draw == .init(allowed: true, remaining: 2, millisecondsUntilNextToken: 0, millisecondsUntilFull: 1_000))
        #expect(state == .init(tokens: 2, atMilliseconds: 10_000))
    }

    @Test func anEmptyBucketSaysWhenTheNextTokenComes() {
        let (state, draw) = bucket.draw(from: .init(tokens: 0.25, atMilliseconds: 0), now: 0)
        #expect(!draw.allowed)
        #expect(draw.millisecondsUntilNextToken == 750)
        #expect(draw.millisecondsUntilFull == 2_750)
        #expect(state.tokens == 0.25, "a refused request takes nothing")
    }

    @Test func refillNeverPassesTheCapacityNorRunsBackwards() {
        let long = bucket.draw(from: .init(tokens: 0, atMilliseconds: 0), now: 3_600_000)
        #expect(long.draw.remaining == 2)
        let skewed = bucket.draw(from: .init(tokens: 1, atMilliseconds: 5_000), now: 4_000)
        #expect(skewed.state.tokens == 0, "an earlier clock adds no tokens")
    }

    @Test func stateSurvivesTheByteEncoding() {
        let state = TokenBucket.State(tokens: 1.875, atMilliseconds: 1_234_567)
        #expect(TokenBucket.State(encoded: state.encoded) == state)
        #expect(TokenBucket.State(encoded: Array("garbage".utf8)) == nil)
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
