/// Anything that can run Redis commands: a single ``RedisConnection`` or a ``RedisConnectionPool``.
///
/// The convenience commands in `RedisCommands.swift` are built on these two requirements, so
/// application code (and test doubles) can depend on this protocol rather than on the pool.
public protocol RedisCommandExecutor: Sendable {
    /// Sends one command and returns its reply.
    ///
    /// - Parameters:
    ///   - command: The command name, e.g. `"HSET"`; for two-word commands (`"CLIENT SETNAME"`)
    ///     pass the first word here and the second as the first argument.
    ///   - arguments: Binary-safe arguments; string and integer literals convert implicitly.
    /// - Throws: ``RedisError/server(_:)`` when Redis answers with an error reply, or another
    ///   ``RedisError`` when the connection fails.
    func send(command: String, arguments: [RedisArgument]) async throws -> RESPValue

    /// Sends all `commands` in one write on one connection and returns their replies in order.
    /// Error replies are returned in place as ``RESPValue/error(_:)`` rather than thrown.
    func pipeline(_ commands: [RedisCommand]) async throws -> [RESPValue]
}
