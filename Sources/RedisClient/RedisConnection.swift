import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One authenticated TCP connection to Redis.
///
/// Most code should use ``RedisConnectionPool``; a bare connection is for work that must stay on
/// one connection (`WATCH`/`MULTI`/`EXEC`, blocking pops) via ``RedisConnectionPool/withConnection(isolation:_:)``,
/// or for tools that want exactly one socket. Commands sent concurrently on one connection are
/// pipelined and answered in the order they were written.
///
/// A command whose task is cancelled still waits for its reply: abandoning it would leave a reply
/// on the wire that the next command would take as its own.
public final class RedisConnection: RedisCommandExecutor, Sendable {
    /// The settings this connection was opened with.
    public let configuration: RedisConfiguration
    let channel: any Channel
    private let logger: Logger

    private init(channel: any Channel, configuration: RedisConfiguration, logger: Logger) {
        self.channel = channel
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens a connection, then authenticates (`AUTH`) and selects the database (`SELECT`) as the
    /// configuration asks.
    ///
    /// - Throws: ``RedisError/connectionFailed(_:)`` when the server cannot be reached,
    ///   ``RedisError/connectTimeout`` when connecting or the handshake takes longer than
    ///   ``RedisConfiguration/connectTimeout``, ``RedisError/tlsHandshakeFailed(_:)`` when the
    ///   server's certificate is not trusted (or TLS is not spoken there),
    ///   ``RedisError/authenticationFailed(_:)`` when `AUTH`
    ///   is rejected, ``RedisError/server(_:)`` when `SELECT` is, and
    ///   ``RedisError/invalidConfiguration(_:)`` for settings that cannot work.
    public static func connect(
        configuration: RedisConfiguration,
        eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next(),
        logger: Logger = Logger(label: "mercato.redis")
    ) async throws -> RedisConnection {
        try configuration.validate()
        let sslContext = try configuration.tls?.makeContext()
        let handshake = eventLoop.makePromise(of: Void.self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls = configuration.tls, let sslContext {
                        try channel.pipeline.syncOperations.addHandlers(
                            tls.makeHandlers(context: sslContext, host: configuration.host, handshake: handshake)
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPDecoder()))
                    try channel.pipeline.syncOperations.addHandler(RedisCommandHandler())
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch ChannelError.connectTimeout {
            // Completed either way: NIO reports a promise dropped without a result as a leak.
            handshake.fail(RedisError.connectTimeout)
            throw RedisError.connectTimeout
        } catch {
            let failure = RedisError.connectionFailed("\(configuration.host):\(configuration.port): \(error)")
            handshake.fail(failure)
            throw failure
        }
        if configuration.tls != nil {
            do {
                try await waitForTLSHandshake(handshake, on: channel, timeout: configuration.connectTimeout)
            } catch {
                try? await channel.close()
                throw error
            }
        } else {
            handshake.succeed()
        }

        var connectionLogger = logger
        connectionLogger[metadataKey: "redis.connection"] = "\(channel.localAddress?.port ?? 0)"
        let connection = RedisConnection(channel: channel, configuration: configuration, logger: connectionLogger)
        do {
            try await connection.handshake()
        } catch {
            await connection.close()
            throw error
        }
        connectionLogger.debug("Redis connection opened", metadata: ["redis.server": "\(configuration)"])
        return connection
    }

    /// Waits until TLS is established, so a certificate problem is reported as such by `connect`.
    private static func waitForTLSHandshake(
        _ handshake: EventLoopPromise<Void>,
        on channel: any Channel,
        timeout: Duration
    ) async throws {
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            handshake.fail(RedisError.connectTimeout)
        }
        defer { timer.cancel() }
        try await handshake.futureResult.get()
    }

    private func handshake() async throws {
        var commands: [RedisCommand] = []
        if let password = configuration.password {
            var arguments: [RedisArgument] = []
            if let username = configuration.username { arguments.append(RedisArgument(username)) }
            arguments.append(RedisArgument(password))
            commands.append(RedisCommand("AUTH", arguments: arguments))
        }
        if configuration.database != 0 {
            commands.append(RedisCommand("SELECT", arguments: [RedisArgument(configuration.database)]))
        }
        guard !commands.isEmpty else { return }

        let replies: [RESPValue]
        do {
            replies = try await execute(commands, timeout: configuration.connectTimeout)
        } catch RedisError.commandTimeout {
            throw RedisError.connectTimeout
        }
        for (command, reply) in zip(commands, replies) {
            guard case .error(let message) = reply else { continue }
            throw command.name == "AUTH" ? RedisError.authenticationFailed(message) : RedisError.server(message)
        }
    }

    /// Whether the socket is still open. A server restart or a timeout makes this `false`; the
    /// pool checks it before handing a connection out.
    public var isConnected: Bool { channel.isActive }

    /// Sends one command and waits for its reply.
    ///
    /// - Throws: ``RedisError/server(_:)`` for an error reply (the connection stays usable);
    ///   ``RedisError/commandTimeout``, ``RedisError/connectionClosed`` or
    ///   ``RedisError/protocolError(_:)`` otherwise, after which this connection is closed.
    public func send(command: String, arguments: [RedisArgument]) async throws -> RESPValue {
        let replies = try await execute(
            [RedisCommand(command, arguments: arguments)],
            timeout: configuration.commandTimeout
        )
        if case .error(let message) = replies[0] { throw RedisError.server(message) }
        return replies[0]
    }

    /// Writes all `commands` at once and returns their replies in the same order.
    ///
    /// Error replies come back as ``RESPValue/error(_:)`` in their position rather than being
    /// thrown, so one failing command does not hide the others' results. The command timeout
    /// applies to the whole pipeline.
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RESPValue] {
        try await execute(commands, timeout: configuration.commandTimeout)
    }

    private func execute(_ commands: [RedisCommand], timeout: Duration?) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        var payload = channel.allocator.buffer(capacity: 0)
        for command in commands {
            RESPEncoder.encode(command, into: &payload)
        }
        let promise = channel.eventLoop.makePromise(of: [RESPValue].self)
        let request = RedisRequest(
            payload: payload,
            replyCount: commands.count,
            timeout: timeout.map { TimeAmount($0) },
            promise: promise
        )
        // A write to an already closed channel never reaches the handler, so nothing else would
        // ever complete the promise; completing twice is harmless.
        channel.writeAndFlush(request).whenFailure { _ in promise.fail(RedisError.connectionClosed) }
        do {
            return try await promise.futureResult.get()
        } catch let error as RedisError {
            logger.debug("Redis command failed", metadata: ["error": "\(error)"])
            throw error
        }
    }

    /// Closes the socket. Outstanding commands fail with ``RedisError/connectionClosed``; closing
    /// twice is harmless.
    public func close() async {
        do {
            try await channel.close()
            logger.debug("Redis connection closed")
        } catch {
            // Already closed, e.g. by the server or a timeout: nothing left to release.
        }
    }
}
