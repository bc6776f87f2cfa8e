import Logging
import NIOCore
import NIOPosix

/// A bounded set of ``RedisConnection``s shared by any number of concurrent tasks.
///
/// Each command borrows a connection for the length of its round trip, so at most
/// ``RedisConfiguration/maximumConnections`` commands are in flight and the rest wait their turn
/// (first come, first served). Connections are opened lazily and kept for reuse.
///
/// A connection that fails (timeout, closed socket, protocol error) is closed and forgotten; the
/// next caller that needs one opens a fresh connection, running `AUTH` and `SELECT` again.
///
/// ## Server restarts
/// While the server is down, commands fail with ``RedisError/connectionFailed(_:)``. Once it is
/// back, commands succeed again without any action: idle connections that the server closed are
/// noticed (their socket reports end of stream) and replaced before use. Commands that were in
/// flight when the server went away fail with ``RedisError/connectionClosed``, and in the rare case
/// that a command picks up an idle connection in the instant before its end of stream has been
/// processed, that one command fails with ``RedisError/connectionClosed`` and the next succeeds.
/// Commands are never retried automatically, because a retry could apply `INCR` twice.
///
/// Call ``shutdown()`` before the event loop group goes away.
public actor RedisConnectionPool: RedisCommandExecutor {
    /// The settings every connection is opened with.
    public nonisolated let configuration: RedisConfiguration
    private nonisolated let eventLoopGroup: any EventLoopGroup
    private nonisolated let logger: Logger

    /// What a waiting caller receives: a connection someone returned, or permission to open one
    /// because a broken connection (or a failed attempt) freed its place.
    private enum Grant {
        case connection(RedisConnection)
        case slot
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Grant, any Error>
    }

    private var idle: [RedisConnection] = []
    private var leased: [ObjectIdentifier: RedisConnection] = [:]
    /// Connections being opened count against the limit too, or a burst would overshoot it.
    private var opening = 0
    private var waiters = CircularBuffer<Waiter>()
    private var nextWaiterID: UInt64 = 0
    private var isShutDown = false

    /// A pool that opens connections on `eventLoopGroup` as they are needed.
    ///
    /// - Parameter eventLoopGroup: Not owned by the pool; in a Vapor app pass
    ///   `app.eventLoopGroup`. Defaults to NIO's process-wide singleton.
    /// - Throws: ``RedisError/invalidConfiguration(_:)`` for settings that could never connect.
    public init(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "mercato.redis")
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Borrows one connection for the whole of `body`, for work that must not be split across
    /// connections (`WATCH`/`MULTI`/`EXEC`, blocking pops).
    ///
    /// `body` must leave the connection as it found it: no open `MULTI`, no `SUBSCRIBE`, no
    /// `SELECT` of another database. If the connection broke during `body`, it is discarded.
    ///
    /// - Throws: ``RedisError/poolShutDown`` after ``shutdown()``, connection errors from opening a
    ///   connection, `CancellationError` if the task is cancelled while waiting for a connection,
    ///   and whatever `body` throws.
    public func withConnection<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (RedisConnection) async throws -> T
    ) async throws -> T {
        let connection = try await lease()
        do {
            let result = try await body(connection)
            await release(connection)
            return result
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Sends one command on a pooled connection; see ``RedisCommandExecutor/send(command:arguments:)``.
    public nonisolated func send(command: String, arguments: [RedisArgument]) async throws -> RESPValue {
        try await withConnection { try await $0.send(command: command, arguments: arguments) }
    }

    /// Sends `commands` in one write on one pooled connection; see ``RedisConnection/pipeline(_:)``.
    public nonisolated func pipeline(_ commands: [RedisCommand]) async throws -> [RESPValue] {
        try await withConnection { try await $0.pipeline(commands) }
    }

    /// Closes every connection, including those in use (their commands fail with
    /// ``RedisError/connectionClosed``), and fails callers waiting for a connection. Afterwards
    /// every command throws ``RedisError/poolShutDown``. Calling it again does nothing.
    public func shutdown() async {
        guard !isShutDown else { return }
        isShutDown = true
        let stranded = waiters
        waiters.removeAll()
        for waiter in stranded {
            waiter.continuation.resume(throwing: RedisError.poolShutDown)
        }
        let connections = idle + Array(leased.values)
        idle.removeAll()
        await withTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { await connection.close() }
            }
        }
        logger.debug("Redis connection pool shut down", metadata: ["redis.closed": "\(connections.count)"])
    }

    private func lease() async throws -> RedisConnection {
        if isShutDown { throw RedisError.poolShutDown }
        while let connection = idle.popLast() {
            // Closed while idle (server restart, idle timeout): dropping it frees its place.
            if connection.isConnected {
                leased[ObjectIdentifier(connection)] = connection
                return connection
            }
        }
        if leased.count + opening < configuration.maximumConnections {
            opening += 1
            return try await openReserved()
        }
        switch try await waitForGrant() {
        case .connection(let connection): return connection
        case .slot: return try await openReserved()
        }
    }

    /// Opens a connection whose place the caller has already counted in `opening`.
    private func openReserved() async throws -> RedisConnection {
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(
                configuration: configuration,
                eventLoop: eventLoopGroup.next(),
                logger: logger
            )
        } catch {
            opening -= 1
            // Waiters would otherwise sleep until some other command finishes; let the next one
            // make its own attempt (and get its own error while the server is unreachable).
            grantSlotToNextWaiter()
            throw error
        }
        opening -= 1
        if isShutDown {
            await connection.close()
            throw RedisError.poolShutDown
        }
        leased[ObjectIdentifier(connection)] = connection
        return connection
    }

    private func release(_ connection: RedisConnection) async {
        leased.removeValue(forKey: ObjectIdentifier(connection))
        if isShutDown {
            await connection.close()
            return
        }
        guard connection.isConnected else {
            grantSlotToNextWaiter()
            await connection.close()
            return
        }
        if waiters.isEmpty {
            idle.append(connection)
        } else {
            let waiter = waiters.removeFirst()
            leased[ObjectIdentifier(connection)] = connection
            waiter.continuation.resume(returning: .connection(connection))
        }
    }

    private func grantSlotToNextWaiter() {
        guard !isShutDown, !waiters.isEmpty else { return }
        let waiter = waiters.removeFirst()
        opening += 1
        waiter.continuation.resume(returning: .slot)
    }

    private func waitForGrant() async throws -> Grant {
        let id = nextWaiterID
        nextWaiterID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // Checked here, on the actor, so a cancellation that raced ahead of the append is
                // not lost (cancelWaiter would have found nothing to remove).
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append(Waiter(id: id, continuation: continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id: id) }
        }
    }

    private func cancelWaiter(id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.continuation.resume(throwing: CancellationError())
    }
}
