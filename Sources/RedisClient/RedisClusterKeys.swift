/// Where each command the cluster client can route keeps its keys, so the client can find the
/// slot (and so the node) a command belongs to.
///
/// The table is deliberately explicit: a command the client does not know is refused rather than
/// guessed at, because sending a multi-key command to the node of its first argument would fail
/// unpredictably or act on only part of the keyspace.
enum RedisClusterKeys {
    enum Positions {
        /// The first argument is the only key.
        case first
        /// Every argument is a key.
        case all
        /// Key, value, key, value… (`MSET`).
        case everyOther
        /// No keys: any primary can answer.
        case none
        /// `EVAL script numkeys key… arg…`: the keys follow the count.
        case script
    }

    static let positions: [String: Positions] = {
        var table: [String: Positions] = [:]
        let singleKey = [
            "GET", "SET", "SETNX", "SETEX", "PSETEX", "GETSET", "GETDEL", "GETEX", "APPEND", "STRLEN",
            "INCR", "INCRBY", "INCRBYFLOAT", "DECR", "DECRBY", "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT",
            "PERSIST", "TTL", "PTTL", "TYPE", "HGET", "HSET", "HSETNX", "HDEL", "HGETALL", "HMGET", "HINCRBY",
            "HEXISTS", "HLEN", "LPUSH", "RPUSH", "LPOP", "RPOP", "LRANGE", "LLEN", "LTRIM", "SADD", "SREM",
            "SMEMBERS", "SISMEMBER", "SCARD", "ZADD", "ZREM", "ZRANGE", "ZSCORE", "ZCARD", "ZINCRBY",
            "ZREMRANGEBYSCORE",
        ]
        for name in singleKey { table[name] = .first }
        for name in ["DEL", "UNLINK", "EXISTS", "TOUCH", "MGET"] { table[name] = .all }
        table["MSET"] = .everyOther
        for name in ["PING", "ECHO", "TIME"] { table[name] = Positions.none }
        for name in ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"] { table[name] = .script }
        return table
    }()

    /// The slot `command` must run in, or `nil` for a command without keys.
    ///
    /// - Throws: ``RedisError/clusterUnsupported(_:)`` for a command the table does not know, a
    ///   command missing its key, or keys in different slots.
    static func slot(of command: RedisCommand) throws -> Int? {
        let name = command.name.uppercased()
        guard let positions = positions[name] else {
            throw RedisError.clusterUnsupported(
                "\(name) is not routed by RedisClusterClient (it cannot tell which node owns it); "
                    + "use a command with a key, or a RedisConnectionPool to one node"
            )
        }
        let keys: [RedisArgument]
        switch positions {
        case .none: return nil
        case .first: keys = Array(command.arguments.prefix(1))
        case .all: keys = command.arguments
        case .everyOther: keys = command.arguments.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        case .script:
            let count = command.arguments.dropFirst().first.flatMap { Int(String(decoding: $0.bytes, as: UTF8.self)) }
            guard let count, count >= 0, command.arguments.count >= 2 + count else {
                throw RedisError.clusterUnsupported("\(name) needs a key count followed by that many keys")
            }
            // A script without keys could touch anything; the cluster can't tell where to run it.
            keys = Array(command.arguments.dropFirst(2).prefix(count))
        }
        guard let firstKey = keys.first else {
            throw RedisError.clusterUnsupported("\(name) without a key cannot be routed to a node")
        }
        let slot = RedisHashSlot.slot(of: firstKey.bytes)
        for key in keys.dropFirst() where RedisHashSlot.slot(of: key.bytes) != slot {
            throw RedisError.clusterUnsupported(
                "\(name) names keys in different hash slots (\(describe(firstKey)) and \(describe(key))); "
                    + "give them a common hash tag, e.g. {cart:42}:items and {cart:42}:total"
            )
        }
        return slot
    }

    /// The slot shared by all `commands`, for a pipeline that must go to one node in one write.
    static func slot(of commands: [RedisCommand]) throws -> Int? {
        var shared: (slot: Int, command: String)?
        for command in commands {
            guard let slot = try slot(of: command) else { continue }
            if let shared, shared.slot != slot {
                throw RedisError.clusterUnsupported(
                    "a pipeline must keep to one hash slot, but \(shared.command) and \(command.name.uppercased()) "
                        + "touch slots \(shared.slot) and \(slot); send them separately or use a common hash tag"
                )
            }
            shared = (slot, command.name.uppercased())
        }
        return shared?.slot
    }

    private static func describe(_ key: RedisArgument) -> String {
        let text = String(decoding: key.bytes.prefix(60), as: UTF8.self)
        return "\"\(text)\""
    }
}
