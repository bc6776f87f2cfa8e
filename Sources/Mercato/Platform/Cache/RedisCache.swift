import Foundation
import NIOCore
import RedisClient

/// The cache on Redis, shared by every instance. Keys are namespaced so one Redis can serve several apps.
///
/// Every operation names one key, so it works the same on a single server (``RedisConnectionPool``)
/// and on a cluster (``RedisClusterClient``), where each key lives on the primary owning its slot.
struct RedisCache: Cache {
    let redis: any RedisCommandExecutor
    var namespace = "mercato:"

    func get(_ key: String) async throws -> [UInt8]? {
        try await redis.get(namespace + key).map { Array(buffer: $0) }
    }

    func set(_ key: String, to value: [UInt8], expiresIn ttl: Duration?) async throws {
        _ = try await redis.set(namespace + key, to: value, expiresInMilliseconds: ttl?.wholeMilliseconds)
    }

    func delete(_ key: String) async throws {
        _ = try await redis.delete(namespace + key)
    }

    func increment(_ key: String, by amount: Int, expiresIn ttl: Duration?) async throws -> Int {
        let value = try await redis.incrBy(namespace + key, by: amount)
        // Only the increment that created the key sets its expiry, so a window isn't extended forever.
        if let ttl, value == amount {
            _ = try await redis.pexpire(namespace + key, milliseconds: ttl.wholeMilliseconds)
        }
        return value
    }

    func takeToken(_ key: String, from bucket: TokenBucket) async throws -> TokenBucket.Draw {
        let reply = try await redis.send(
            command: "EVAL",
            arguments: [
                RedisArgument(Self.tokenBucketScript), 1, RedisArgument(namespace + key),
                RedisArgument(bucket.capacity),
                RedisArgument(String(bucket.refillPerSecond / 1_000)),
            ])
        guard case .array(let values) = reply, values.count == 4 else {
            throw RedisError.unexpectedReply("the token bucket script answered \(reply)")
        }
        let numbers = try values.map { value -> Int in
            guard case .integer(let number) = value else {
                throw RedisError.unexpectedReply("the token bucket script answered \(reply)")
            }
            return number
        }
        return TokenBucket.Draw(
            allowed: numbers[0] == 1, remaining: numbers[1], millisecondsUntilNextToken: numbers[2],
            millisecondsUntilFull: numbers[3])
    }

    /// ``TokenBucket/draw(from:now:)`` inside Redis, so the read, refill and take are one atomic
    /// step for every instance. The clock is Redis' own (`TIME`), so instances with skewed clocks
    /// still agree. One key, so a cluster runs it on the key's primary.
    static let tokenBucketScript = """
        local capacity = tonumber(ARGV[1])
        local perMs = tonumber(ARGV[2])
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = capacity
        if state[1] and state[2] then
          tokens = math.min(capacity, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * perMs)
        end
        local allowed = 0
        if tokens >= 1 then
          tokens = tokens - 1
          allowed = 1
        end
        local untilNext = 0
        if tokens < 1 then untilNext = math.ceil((1 - tokens) / perMs) end
        local untilFull = math.ceil((capacity - tokens) / perMs)
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
        redis.call('PEXPIRE', KEYS[1], untilFull + 1000)
        return {allowed, math.floor(tokens), untilNext, untilFull}
        """
}
