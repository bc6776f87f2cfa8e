import Foundation
import RedisClient
import Testing

/// Needs a TLS-only redis-server (MERCATO_TEST_REDIS_TLS_URL, e.g. `rediss://127.0.0.1:57010`)
/// whose certificate names 127.0.0.1 and is signed by the CA in MERCATO_TEST_REDIS_TLS_CA_FILE.
/// `.ci/run` makes that CA and certificate with openssl.
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
            try await pool.delete(key, key + ":n")
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
