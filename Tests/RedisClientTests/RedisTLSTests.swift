import Foundation
import RedisClient
import Testing

/// Needs a TLS-only redis-server with a password (MERCATO_TEST_REDIS_TLS_URL, e.g.
/// `rediss://:secret@127.0.0.1:57010`), the production combination of TLS, AUTH and cluster mode,
/// whose certificate names 127.0.0.1 and localhost and is signed by the CA in
/// MERCATO_TEST_REDIS_TLS_CA_FILE. The server is a one-node cluster owning every slot and
/// announcing the hostname `localhost` (`--tls-cluster yes --cluster-announce-hostname localhost`),
/// like ElastiCache's TLS clusters, which announce DNS names. `.ci/run` makes the CA and
/// certificate with openssl.
@Suite(
    "Redis over TLS",
    .enabled(
        if: TestServices.redisTLSEnabled,
        "set MERCATO_TEST_REDIS_TLS_URL and MERCATO_TEST_REDIS_TLS_CA_FILE to run against a redis-server with --tls-port"
    )
)
struct RedisTLSTests {
    private func configuration(caFile: String?, serverName: String? = nil) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(
            url: TestServices.url(TestServices.redisTLSURLVariable),
            maximumConnections: 2,
            connectTimeout: .seconds(3),
            commandTimeout: .seconds(5)
        )
        configuration.tls = RedisTLSConfiguration(caFile: caFile, serverName: serverName)
        return configuration
    }

    private func caFile() throws -> String {
        try TestServices.url(TestServices.redisTLSCAFileVariable)
    }

    @Test("with the CA that signed the server's certificate, commands work over TLS")
    func trustedCA() async throws {
        try await withPool(configuration(caFile: caFile())) { pool in
            let key = uniqueKey()
            try await pool.set(key, to: "encrypted", expiresInMilliseconds: 10_000)
            let stored = try await pool.getString(key)
            #expect(stored == "encrypted")
            // Several connections, each with its own handshake.
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await pool.incr(key + ":n") } }
                var values: [Int] = []
                for try await value in group { values.append(value) }
                #expect(values.sorted() == Array(1...8))
            }
            // Two DELs: the server is in cluster mode and the keys are in different slots.
            try await pool.delete(key)
            try await pool.delete(key + ":n")
        }
    }

    @Test("a server certificate from another CA fails the connection with a TLS error, before AUTH is sent")
    func untrustedCA() async throws {
        // The system trust store does not hold the test CA, so this is "the wrong CA".
        let configuration = try configuration(caFile: nil)
        let error = await thrownError { try await RedisConnection.connect(configuration: configuration) }
        guard case .tlsHandshakeFailed(let reason)? = error as? RedisError else {
            Issue.record("expected tlsHandshakeFailed, got \(String(describing: error))")
            return
        }
        #expect(reason.lowercased().contains("certificate"), "reason: \(reason)")
        #expect(String(describing: error!).hasPrefix("Redis TLS handshake failed"))
    }

    @Test("connecting by DNS name sends it as SNI and checks the certificate names it")
    func connectsByName() async throws {
        var configuration = try configuration(caFile: caFile())
        // The test certificate names both localhost and 127.0.0.1.
        configuration.host = "localhost"
        let connection = try await RedisConnection.connect(configuration: configuration)
        let pong = try await connection.ping()
        await connection.close()
        #expect(pong == "PONG")
    }

    @Test("the cluster client speaks TLS to every node and verifies the hostname each node announces")
    func clusterOverTLS() async throws {
        let configuration = try configuration(caFile: caFile())
        let seed = RedisNodeAddress(host: configuration.host, port: configuration.port)
        let client = try RedisClusterClient(seeds: [seed], configuration: configuration)
        let key = uniqueKey()
        try await client.set(key, to: "sharded-and-encrypted", expiresInMilliseconds: 10_000)
        let stored = try await client.getString(key)
        let primaries = try await client.primaries()
        try await client.delete(key)
        await client.shutdown()
        #expect(stored == "sharded-and-encrypted")
        // CLUSTER SLOTS named the node "localhost", so that name was sent as SNI and verified.
        #expect(primaries == [RedisNodeAddress(host: "localhost", port: seed.port)])

        var untrusted = configuration
        untrusted.tls = RedisTLSConfiguration()
        let refused = try RedisClusterClient(seeds: [seed], configuration: untrusted)
        let error = await thrownError { try await refused.get(key) }
        await refused.shutdown()
        guard case .clusterUnavailable(let reason)? = error as? RedisError else {
            Issue.record("expected clusterUnavailable, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("TLS handshake failed"), "reason: \(reason)")
    }

    @Test("the cluster client authenticates to every node; a wrong password fails with an authentication error")
    func clusterAuthOverTLS() async throws {
        var configuration = try configuration(caFile: caFile())
        try #require(configuration.password != nil, "MERCATO_TEST_REDIS_TLS_URL has no password")
        configuration.password = "not-the-password"
        let seed = RedisNodeAddress(host: configuration.host, port: configuration.port)
        let client = try RedisClusterClient(seeds: [seed], configuration: configuration)
        let error = await thrownError { try await client.get("anything") }
        await client.shutdown()
        guard case .authenticationFailed? = error as? RedisError else {
            Issue.record("expected authenticationFailed, got \(String(describing: error))")
            return
        }
    }

    @Test("a CA file that is missing or not PEM is a configuration error naming the file")
    func unreadableCAFile() async throws {
        let missing = "/nonexistent/mercato-ca.pem"
        let configuration = try configuration(caFile: missing)
        let error = await thrownError { try await RedisConnection.connect(configuration: configuration) }
        guard case .invalidConfiguration(let reason)? = error as? RedisError else {
            Issue.record("expected invalidConfiguration, got \(String(describing: error))")
            return
        }
        #expect(reason.contains(missing))
    }

    @Test("plain TCP to the TLS port does not get a reply that could be mistaken for one")
    func plainClientToTLSPort() async throws {
        var configuration = try configuration(caFile: nil)
        configuration.tls = nil
        configuration.commandTimeout = .seconds(2)
        let error = await thrownError {
            let connection = try await RedisConnection.connect(configuration: configuration)
            defer { Task { await connection.close() } }
            return try await connection.ping()
        }
        #expect(error is RedisError, "got \(String(describing: error))")
    }
}
