import NIOCore

/// Typed wrappers for the commands Mercato's cache and rate limiter use. Each maps Redis' reply to
/// a Swift type and throws ``RedisError/unexpectedReply(_:)`` if the reply has another shape.
extension RedisCommandExecutor {
    /// Sends one command with its arguments written inline: `send("HSET", "cart:1", "sku", 2)`.
    public func send(_ command: String, _ arguments: RedisArgument...) async throws -> RESPValue {
        try await send(command: command, arguments: arguments)
    }

    /// `GET`: the value's bytes, or `nil` when the key does not exist.
    public func get(_ key: String) async throws -> ByteBuffer? {
        try Self.optionalBulk(await send(command: "GET", arguments: [RedisArgument(key)]), from: "GET")
    }

    /// `GET`: the value as UTF-8 text, or `nil` when the key does not exist.
    public func getString(_ key: String) async throws -> String? {
        try await get(key).map { String(buffer: $0) }
    }

    /// `SET`, optionally with `PX` (expiry) and `NX` (only if absent).
    ///
    /// - Parameters:
    ///   - expiresInMilliseconds: Time to live; `nil` keeps the key until deleted.
    ///   - onlyIfNotExists: Set only when the key is absent, the building block of locks and
    ///     "first writer wins" caches.
    /// - Returns: `true` if the value was stored; `false` only when `onlyIfNotExists` found the key.
    @discardableResult
    public func set(
        _ key: String,
        to value: some RedisArgumentConvertible,
        expiresInMilliseconds: Int? = nil,
        onlyIfNotExists: Bool = false
    ) async throws -> Bool {
        var arguments = [RedisArgument(key), value.redisArgument]
        if let expiresInMilliseconds {
            arguments.append("PX")
            arguments.append(RedisArgument(expiresInMilliseconds))
        }
        if onlyIfNotExists { arguments.append("NX") }
        switch try await send(command: "SET", arguments: arguments) {
        case .simpleString: return true
        case .null: return false
        case let other: throw RedisError.unexpectedReply("SET answered \(other)")
        }
    }

    /// `DEL`: removes `keys` and returns how many existed.
    @discardableResult
    public func delete(_ keys: [String]) async throws -> Int {
        // DEL without keys is a syntax error; deleting nothing is a valid request here.
        guard !keys.isEmpty else { return 0 }
        return try Self.integer(await send(command: "DEL", arguments: keys.map { RedisArgument($0) }), from: "DEL")
    }

    /// `DEL`: removes `keys` and returns how many existed.
    @discardableResult
    public func delete(_ keys: String...) async throws -> Int {
        try await delete(keys)
    }

    /// `EXISTS`: how many of `keys` exist (a key named twice counts twice, as in Redis).
    public func exists(_ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try Self.integer(
            await send(command: "EXISTS", arguments: keys.map { RedisArgument($0) }),
            from: "EXISTS"
        )
    }

    /// `EXISTS`: how many of `keys` exist.
    public func exists(_ keys: String...) async throws -> Int {
        try await exists(keys)
    }

    /// `INCR`: adds one to the counter (creating it at 0) and returns the new value.
    @discardableResult
    public func incr(_ key: String) async throws -> Int {
        try Self.integer(await send(command: "INCR", arguments: [RedisArgument(key)]), from: "INCR")
    }

    /// `INCRBY`: adds `amount` (which may be negative) and returns the new value.
    @discardableResult
    public func incrBy(_ key: String, by amount: Int) async throws -> Int {
        try Self.integer(
            await send(command: "INCRBY", arguments: [RedisArgument(key), RedisArgument(amount)]),
            from: "INCRBY"
        )
    }

    /// `EXPIRE`: sets a time to live in seconds; `false` when the key does not exist.
    @discardableResult
    public func expire(_ key: String, seconds: Int) async throws -> Bool {
        try Self.integer(
            await send(command: "EXPIRE", arguments: [RedisArgument(key), RedisArgument(seconds)]),
            from: "EXPIRE"
        ) == 1
    }

    /// `PEXPIRE`: sets a time to live in milliseconds; `false` when the key does not exist.
    @discardableResult
    public func pexpire(_ key: String, milliseconds: Int) async throws -> Bool {
        try Self.integer(
            await send(command: "PEXPIRE", arguments: [RedisArgument(key), RedisArgument(milliseconds)]),
            from: "PEXPIRE"
        ) == 1
    }

    /// `TTL`: seconds left to live; `-1` when the key has no expiry, `-2` when it does not exist.
    public func ttl(_ key: String) async throws -> Int {
        try Self.integer(await send(command: "TTL", arguments: [RedisArgument(key)]), from: "TTL")
    }

    /// `PTTL`: milliseconds left to live; `-1` when the key has no expiry, `-2` when it does not exist.
    public func pttl(_ key: String) async throws -> Int {
        try Self.integer(await send(command: "PTTL", arguments: [RedisArgument(key)]), from: "PTTL")
    }

    /// `MGET`: the values of `keys` in the same order, `nil` for each missing key.
    public func mget(_ keys: [String]) async throws -> [ByteBuffer?] {
        guard !keys.isEmpty else { return [] }
        let reply = try await send(command: "MGET", arguments: keys.map { RedisArgument($0) })
        guard let elements = reply.array, elements.count == keys.count else {
            throw RedisError.unexpectedReply("MGET of \(keys.count) keys answered \(reply)")
        }
        return try elements.map { try Self.optionalBulk($0, from: "MGET") }
    }

    /// `PING`: round-trips to the server; returns `"PONG"`.
    @discardableResult
    public func ping() async throws -> String {
        let reply = try await send(command: "PING", arguments: [])
        guard let text = reply.string else { throw RedisError.unexpectedReply("PING answered \(reply)") }
        return text
    }

    /// `FLUSHDB`: deletes every key in the selected database. Meant for tests; never call it on
    /// a database other processes share.
    public func flushdb() async throws {
        _ = try await send(command: "FLUSHDB", arguments: [])
    }

    private static func integer(_ reply: RESPValue, from command: String) throws -> Int {
        guard case .integer(let number) = reply else {
            throw RedisError.unexpectedReply("\(command) answered \(reply) instead of an integer")
        }
        return number
    }

    private static func optionalBulk(_ reply: RESPValue, from command: String) throws -> ByteBuffer? {
        switch reply {
        case .bulkString(let buffer): return buffer
        case .null: return nil
        default: throw RedisError.unexpectedReply("\(command) answered \(reply) instead of a bulk string")
        }
    }
}
