import RedisClient
import Testing

@Suite("Redis configuration")
struct RedisConfigurationTests {
    @Test("a bare URL gives host and port with no credentials and database 0")
    func bareURL() throws {
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1:56379")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 56379)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
        #expect(configuration.database == 0)
    }

    @Test("password, user, database and default port come from the URL; credentials are percent-decoded")
    func fullURL() throws {
        let passwordOnly = try RedisConfiguration(url: "redis://:s3cret@cache.internal:6380/3")
        #expect(passwordOnly.username == nil)
        #expect(passwordOnly.password == "s3cret")
        #expect(passwordOnly.host == "cache.internal")
        #expect(passwordOnly.port == 6380)
        #expect(passwordOnly.database == 3)

        let acl = try RedisConfiguration(url: "REDIS://mercato:p%40ss%3Aword@redis/2", maximumConnections: 3)
        #expect(acl.username == "mercato")
        #expect(acl.password == "p@ss:word")
        #expect(acl.host == "redis")
        #expect(acl.port == 6379)
        #expect(acl.database == 2)
        #expect(acl.maximumConnections == 3)
    }

    @Test("rediss:// turns on TLS with the system's CAs and shows in the logged form")
    func tlsURL() throws {
        let configuration = try RedisConfiguration(url: "rediss://:pw@cache.example.com:6380")
        #expect(configuration.tls == RedisTLSConfiguration())
        #expect(configuration.description == "rediss://:***@cache.example.com:6380/0")
        let plain = try RedisConfiguration(url: "redis://cache.example.com")
        #expect(plain.tls == nil)
    }

    @Test("an IPv6 host is written in brackets")
    func ipv6() throws {
        let configuration = try RedisConfiguration(url: "redis://[::1]:7000/1")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 7000)
        #expect(configuration.database == 1)
        #expect(try RedisConfiguration(url: "redis://[::1]").port == 6379)
    }

    @Test(
        "unusable URLs are rejected with a reason",
        arguments: [
            ("http://host:6379", "scheme"),
            ("redis://host:0", "port"),
            ("redis://host:70000", "port"),
            ("redis://host:abc", "port"),
            ("redis://host/-1", "database"),
            ("redis://host/x", "database"),
            ("redis://:pw@:6379", "host"),
            ("redis://user@host", "password"),
            ("redis://host?db=1", "query"),
            ("redis://:%zz@host", "percent"),
        ]
    )
    func invalidURLs(url: String, reason: String) {
        do {
            _ = try RedisConfiguration(url: url)
            Issue.record("\(url) was accepted")
        } catch let RedisError.invalidConfiguration(message) {
            #expect(message.contains(reason), "message \"\(message)\" does not mention \(reason)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("neither errors nor descriptions reveal the password")
    func redaction() throws {
        let configuration = try RedisConfiguration(url: "redis://app:hunter2@db.example:6379/4")
        #expect(configuration.description == "redis://app:***@db.example:6379/4")
        do {
            _ = try RedisConfiguration(url: "redis://app:hunter2@db.example:notaport")
            Issue.record("bad port accepted")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
    }

    @Test("a pool refuses settings that could never work")
    func poolValidation() {
        #expect(throws: RedisError.self) { try RedisConnectionPool(configuration: .init(maximumConnections: 0)) }
        #expect(throws: RedisError.self) { try RedisConnectionPool(configuration: .init(port: 0)) }
        #expect(throws: RedisError.self) { try RedisConnectionPool(configuration: .init(username: "u")) }
        #expect(throws: RedisError.self) {
            try RedisConnectionPool(configuration: .init(commandTimeout: .milliseconds(-1)))
        }
    }
}
