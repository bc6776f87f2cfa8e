import Foundation
import RedisClient
import Testing
import Vapor

@testable import Mercato

/// `redis.cluster: true` boots an app whose cache lives on a real Redis cluster.
@Suite(.enabled(if: TestServices.redisClusterEnabled, "set MERCATO_TEST_REDIS_CLUSTER_URLS"))
struct RedisClusterCacheTests {
    @Test func appWithClusterSettingsCachesOnTheClusterNodeOwningEachKey() async throws {
        // setup: testing settings pointed at one cluster node, in cluster mode
        let seeds = try TestServices.redisClusterSeeds()
        var settings = try TestSupport.settings()
        settings.adapters.cache = .redis
        settings.redis.host = seeds[0].host
        settings.redis.port = seeds[0].port
        settings.redis.cluster = true
        let keys = (0..<12).map { "cluster-cache-test:\(UUID().uuidString):\($0)" }
        let observer = try RedisClusterClient(seeds: seeds, configuration: RedisConfiguration())
        try await TestSupport.withApp(settings, migrate: false) { app in
            // MUT
            for (index, key) in keys.enumerated() {
                try await app.dataCache.set(key, to: Array("value-\(index)".utf8), expiresIn: .seconds(30))
            }
            let counted = try await app.dataCache.increment(keys[0] + ":n", by: 2, expiresIn: .seconds(30))
            // validate: the values are readable through the app and really stored in the cluster
            #expect(counted == 2)
            var owners: Set<RedisNodeAddress> = []
            for (index, key) in keys.enumerated() {
                let cached = try await app.dataCache.get(key)
                #expect(cached == Array("value-\(index)".utf8))
                let stored = try await observer.getString("mercato:" + key)
                #expect(stored == "value-\(index)")
                owners.insert(try await observer.node(forSlot: RedisHashSlot.slot(of: "mercato:" + key)))
            }
            #expect(owners.count > 1, "12 random keys should land on more than one primary")
            for key in keys + [keys[0] + ":n"] {
                try await app.dataCache.delete(key)
                let left = try await observer.exists("mercato:" + key)
                #expect(left == 0)
            }
        }
        await observer.shutdown()
    }
}
