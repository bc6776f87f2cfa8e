import Testing

@testable import RedisClient

@Suite("Redis cluster per-node settings")
struct RedisClusterNodeConfigurationTests {
    private let endpoint = RedisNodeAddress(
        host: "clustercfg.mercato-production.abc123.euw1.cache.amazonaws.com", port: 6379)
    private let base = RedisConfiguration(
        host: "ignored", port: 1, password: "token", maximumConnections: 3, tls: RedisTLSConfiguration())

    @Test("each node keeps the shared credentials, pool size and TLS, with its own address")
    func sharedSettings() {
        let node = RedisNodeAddress(host: "mercato-production-0001-001.abc123.euw1.cache.amazonaws.com", port: 6379)
        let configuration = RedisClusterClient.configuration(for: node, base: base, seeds: [endpoint])
        #expect(configuration.host == node.host && configuration.port == 6379)
        #expect(configuration.password == "token" && configuration.maximumConnections == 3)
        // A node announced by DNS name is verified against that name.
        #expect(configuration.tls == RedisTLSConfiguration())
    }

    @Test("with TLS, a node announced by IP is verified against the seed's DNS name")
    func ipNodesUseTheSeedName() {
        let node = RedisNodeAddress(host: "10.0.12.34", port: 6379)
        let configuration = RedisClusterClient.configuration(for: node, base: base, seeds: [endpoint])
        #expect(configuration.host == "10.0.12.34")
        #expect(configuration.tls?.serverName == endpoint.host)

        var pinned = base
        pinned.tls?.serverName = "redis.internal.example"
        let explicit = RedisClusterClient.configuration(for: node, base: pinned, seeds: [endpoint])
        #expect(explicit.tls?.serverName == "redis.internal.example")

        var plain = base
        plain.tls = nil
        #expect(RedisClusterClient.configuration(for: node, base: plain, seeds: [endpoint]).tls == nil)
        let ipSeeds = [RedisNodeAddress(host: "127.0.0.1", port: 57001)]
        #expect(RedisClusterClient.configuration(for: node, base: base, seeds: ipSeeds).tls?.serverName == nil)
    }
}
