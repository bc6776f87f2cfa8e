import Foundation
import RedisClient
import Testing

/// Needs a server started with `--requirepass`, given as MERCATO_TEST_REDIS_PASSWORD_URL
/// (e.g. `redis://:secret@127.0.0.1:56380`).
@Suite(
    "Redis AUTH against a password-protected server",
    .enabled(
        if: TestServices.redisPasswordEnabled,
        "set MERCATO_TEST_REDIS_PASSWORD_URL to run against a redis-server with --requirepass"
    )
)
struct RedisAuthenticationTests {
    private func configuration() throws -> RedisConfiguration {
        try RedisConfiguration(
            url: TestServices.url(TestServices.redisPasswordURLVariable),
            maximumConnections: 2,
            connectTimeout: .seconds(2),
            commandTimeout: .seconds(5)
        )
    }

    @Test("the password from the URL is sent with AUTH on every new connection")
    func passwordWorks() async throws {
        let configuration = try configuration()
        try #require(configuration.password != nil, "MERCATO_TEST_REDIS_PASSWORD_URL has no password")
        try await withPool(configuration) { pool in
            let key = uniqueKey()
            #expect(try await pool.ping() == "PONG")
            try await pool.set(key, to: "authenticated")
            #expect(try await pool.getString(key) == "authenticated")
            #expect(try await pool.send("ACL", "WHOAMI").string == "default")
            try await pool.delete(key)
        }
    }

    @Test("without the password commands are refused with NOAUTH")
    func missingPassword() async throws {
        var configuration = try configuration()
        configuration.password = nil
        configuration.username = nil
        try await withPool(configuration) { pool in
            let error = await thrownError { try await pool.ping() }
            guard case .server(let message)? = error as? RedisError else {
                Issue.record("expected NOAUTH, got \(String(describing: error))")
                return
            }
            #expect(message.hasPrefix("NOAUTH"))
        }
    }

    @Test("a wrong password fails the connection with authenticationFailed")
    func wrongPassword() async throws {
        var configuration = try configuration()
        configuration.password = "definitely-not-the-password"
        try await withPool(configuration) { pool in
            let error = await thrownError { try await pool.ping() }
            guard case .authenticationFailed(let message)? = error as? RedisError else {
                Issue.record("expected authenticationFailed, got \(String(describing: error))")
                return
            }
            #expect(message.hasPrefix("WRONGPASS"))
        }
    }

    @Test("an ACL user logs in with username and password, and a wrong password for it is refused")
    func aclUser() async throws {
        let admin = try configuration()
        let user = "mercato-test-\(UUID().uuidString.prefix(8))"
        let password = "pw-\(UUID().uuidString)"
        try await withPool(admin) { adminPool in
            _ = try await adminPool.send(
                command: "ACL",
                arguments: ["SETUSER", RedisArgument(user), "on", RedisArgument(">" + password), "~*", "+@all"]
            )
            var asUser = admin
            asUser.username = user
            asUser.password = password
            asUser.database = 2
            let result = await thrownError {
                try await withPool(asUser) { userPool in
                    #expect(try await userPool.send("ACL", "WHOAMI").string == user)
                    let key = uniqueKey()
                    try await userPool.set(key, to: "in db 2")
                    #expect(try await adminPool.exists(key) == 0, "SELECT 2 after AUTH was not applied")
                    try await userPool.delete(key)
                }
                var wrong = asUser
                wrong.password = "wrong"
                try await withPool(wrong) { pool in
                    let error = await thrownError { try await pool.ping() }
                    guard case .authenticationFailed? = error as? RedisError else {
                        Issue.record("expected authenticationFailed, got \(String(describing: error))")
                        return
                    }
                }
            }
            _ = try await adminPool.send("ACL", "DELUSER", RedisArgument(user))
            if let result { throw result }
        }
    }
}
