import NIOCore
import RedisClient
import Testing

/// Scripts (`EVAL`) through the cluster client: routed by the keys they name, as the rate
/// limiter's token buckets need.
extension RedisClusterTests {
    @Test("a script runs on the node owning its keys, whichever node that is")
    func scriptsFollowTheirKeys() async throws {
        try await withCluster { client in
            // setup: keys spread over the slots, so some live on every primary
            let keys = (0..<12).map { uniqueKey("script\($0)") }
            for key in keys { try await client.set(key, to: "7") }
            // act: a script reading its key, and one naming no key
            var values: [RESPValue] = []
            for key in keys {
                values.append(try await client.send("EVAL", "return redis.call('GET', KEYS[1])", 1, .string(key)))
            }
            let keyless = await thrownError { try await client.send("EVAL", "return 1", 0) }
            // verify
            #expect(values == Array(repeating: .bulkString(.init(string: "7")), count: keys.count))
            guard case .clusterUnsupported? = keyless as? RedisError else {
                Issue.record("expected clusterUnsupported, got \(String(describing: keyless))")
                return
            }
        }
    }
}
