import Foundation
import MercatoTestSupport
import NIOCore
import NIOPosix
import RedisClient
import Synchronization
import Testing

/// The Redis servers the integration suites may use (see `ServiceEnvironment`).
enum TestServices {
    static var required: Bool { ServiceEnvironment.required }

    /// A Redis server without a password, e.g. `redis://127.0.0.1:56379`.
    static let redisURLVariable = "MERCATO_TEST_REDIS_URL"
    /// A Redis server started with `--requirepass`, e.g. `redis://:secret@127.0.0.1:56380`.
    static let redisPasswordURLVariable = "MERCATO_TEST_REDIS_PASSWORD_URL"

    /// The client URLs of a Redis cluster's nodes, comma-separated, e.g.
    /// `redis://127.0.0.1:57001,redis://127.0.0.1:57002,redis://127.0.0.1:57003`.
    static let redisClusterURLsVariable = "MERCATO_TEST_REDIS_CLUSTER_URLS"
    /// A TLS-only Redis server, e.g. `rediss://127.0.0.1:57010`, whose certificate names 127.0.0.1.
    static let redisTLSURLVariable = "MERCATO_TEST_REDIS_TLS_URL"
    /// The PEM file of the CA that signed the TLS server's certificate.
    static let redisTLSCAFileVariable = "MERCATO_TEST_REDIS_TLS_CA_FILE"

    static var redisEnabled: Bool { ServiceEnvironment.enabled(redisURLVariable) }
    static var redisClusterEnabled: Bool { ServiceEnvironment.enabled(redisClusterURLsVariable) }
    static var redisTLSEnabled: Bool { ServiceEnvironment.enabled(redisTLSURLVariable) }
    static var redisPasswordEnabled: Bool { ServiceEnvironment.enabled(redisPasswordURLVariable) }

    static func value(of variable: String) -> String? { ServiceEnvironment.value(variable) }

    /// The URL in `variable`, or a failure that says how to provide it.
    static func url(_ variable: String) throws -> String {
        guard let url = value(of: variable) else {
            let example =
                switch variable {
                case redisPasswordURLVariable:
                    "redis://:secret@127.0.0.1:56380 (a redis-server started with --requirepass secret)"
                case redisClusterURLsVariable:
                    "redis://127.0.0.1:57001,redis://127.0.0.1:57002 (nodes of a cluster made with redis-cli --cluster create)"
                case redisTLSURLVariable:
                    "rediss://127.0.0.1:57010 (a redis-server with --tls-port whose certificate names 127.0.0.1)"
                case redisTLSCAFileVariable:
                    "/path/to/ca.crt (the CA that signed the TLS server's certificate)"
                default:
                    "redis://127.0.0.1:56379 (a redis-server without a password)"
                }
            throw TestSetupError(
                "\(variable) is not set, but MERCATO_REQUIRE_SERVICES=1 requires this Redis suite to run: "
                    + "start the server and export \(variable)=\(example)"
            )
        }
        return url
    }

    /// The shared test server's configuration, with tighter timeouts than production so a hung
    /// test fails in seconds.
    static func redisConfiguration(
        database: Int? = nil,
        maximumConnections: Int = 4,
        commandTimeout: Duration? = .seconds(5)
    ) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(
            url: url(redisURLVariable),
            maximumConnections: maximumConnections,
            connectTimeout: .seconds(2),
            commandTimeout: commandTimeout
        )
        if let database { configuration.database = database }
        return configuration
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A key no other test (or concurrent test run) uses.
func uniqueKey(_ label: String = #function) -> String {
    "mercato-redisclient-test:\(label.prefix(40)):\(UUID().uuidString)"
}

/// Runs `body` with a pool and always shuts the pool down, even when `body` throws.
func withPool(
    _ configuration: RedisConfiguration,
    _ body: (RedisConnectionPool) async throws -> Void
) async throws {
    let pool = try RedisConnectionPool(configuration: configuration)
    do {
        try await body(pool)
        await pool.shutdown()
    } catch {
        await pool.shutdown()
        throw error
    }
}

/// Runs `operation` and returns what it threw, so tests can assert on the exact error.
func thrownError(_ operation: () async throws -> some Any) async -> (any Error)? {
    do {
        _ = try await operation()
        return nil
    } catch {
        return error
    }
}

/// A local TCP server with scripted misbehaviour, for the failure paths a real Redis will not
/// produce on demand (silence, garbage, closing mid-reply).
final class FakeRedisServer: Sendable {
    enum Behaviour: Sendable {
        /// Accept connections, read requests, never answer.
        case silent
        /// Answer the first request with these bytes, then keep the connection open.
        case reply([UInt8])
        /// Answer the first request with these bytes, then close the connection.
        case replyAndClose([UInt8])
        /// Answer every request (one per read) with these bytes, keeping the connection open.
        case replyEveryTime([UInt8])
    }

    private let channel: any Channel
    let port: Int
    private let requestCount = RequestCounter()
    /// How many requests the server has read, over all connections.
    var requests: Int { requestCount.value.withLock { $0 } }

    private final class RequestCounter: Sendable {
        let value = Mutex(0)
    }

    init(_ behaviour: Behaviour) async throws {
        let counter = requestCount
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(
                        ScriptedHandler(behaviour: behaviour, onRequest: { counter.value.withLock { $0 += 1 } }))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        port = channel.localAddress?.port ?? 0
    }

    func configuration(
        password: String? = nil,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration? = .seconds(2)
    ) -> RedisConfiguration {
        RedisConfiguration(
            host: "127.0.0.1",
            port: port,
            password: password,
            connectTimeout: connectTimeout,
            commandTimeout: commandTimeout
        )
    }

    func stop() async {
        try? await channel.close()
    }

    private final class ScriptedHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let behaviour: Behaviour
        let onRequest: @Sendable () -> Void
        var answered = false

        init(behaviour: Behaviour, onRequest: @escaping @Sendable () -> Void) {
            self.behaviour = behaviour
            self.onRequest = onRequest
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            onRequest()
            if case .replyEveryTime(let bytes) = behaviour {
                context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
                return
            }
            guard !answered else { return }
            answered = true
            switch behaviour {
            case .silent:
                break
            case .reply(let bytes):
                context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
            case .replyEveryTime:
                break
            case .replyAndClose(let bytes):
                context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
                context.close(promise: nil)
            }
        }
    }
}

/// A TCP port that was free a moment ago: bound to port 0, read back, and released.
func freeLocalPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0)
        .get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    return port
}

/// Runs `body` against a scripted server and always stops the server afterwards.
func withFakeServer(
    _ behaviour: FakeRedisServer.Behaviour,
    _ body: (FakeRedisServer) async throws -> Void
) async throws {
    let server = try await FakeRedisServer(behaviour)
    do {
        try await body(server)
        await server.stop()
    } catch {
        await server.stop()
        throw error
    }
}
