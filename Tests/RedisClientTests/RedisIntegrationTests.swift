import Foundation
import NIOCore
import RedisClient
import Testing

// Integration suites run against real redis-server processes:
//
//   MERCATO_TEST_REDIS_URL           a server without a password, e.g. redis://127.0.0.1:56379
//                                    (also switches on the restart suite, which starts its own
//                                    redis-server from PATH on a free port)
//   MERCATO_TEST_REDIS_PASSWORD_URL  a server started with --requirepass, e.g.
//                                    redis://:secret@127.0.0.1:56380
//   MERCATO_REQUIRE_SERVICES=1       a missing variable fails these suites instead of skipping them
//
// Tests use unique keys in database 0 and databases 13–15 for SELECT and FLUSHDB, so they can
// share a server with other suites and run in parallel.

@Suite(
    "Redis against a real server",
    .enabled(if: TestServices.redisEnabled, "set MERCATO_TEST_REDIS_URL to run against redis-server")
)
struct RedisIntegrationTests {
    @Test("SET then GET returns the value; a missing key is nil; PING answers PONG")
    func setAndGet() async throws {
        try await withPool(TestServices.redisConfiguration()) { pool in
            let key = uniqueKey()
            let pong = try await pool.ping()
            #expect(pong == "PONG")
            #expect(try await pool.getString(key) == nil)
            #expect(try await pool.set(key, to: "value"))
            #expect(try await pool.getString(key) == "value")
            #expect(try await pool.ttl(key) == -1)
            #expect(try await pool.delete(key) == 1)
        }
    }

    @Test("expiry: PX sets a TTL, the key vanishes after it, EXPIRE/PEXPIRE report missing keys")
    func expiry() async throws {
        try await withPool(TestServices.redisConfiguration()) { pool in
            let key = uniqueKey()
            try await pool.set(key, to: "short-lived", expiresInMilliseconds: 2_000)
            let remaining = try await pool.pttl(key)
            #expect((1...2_000).contains(remaining))
            #expect(try await pool.getString(key) == "short-lived")
            try await Task.sleep(for: .milliseconds(2_300))
            #expect(try await pool.getString(key) == nil)
            #expect(try await pool.exists(key) == 0)
            #expect(try await pool.pttl(key) == -2)
            #expect(try await pool.ttl(key) == -2)

            #expect(try await pool.expire(key, seconds: 10) == false)
            try await pool.set(key, to: "kept")
            #expect(try await pool.expire(key, seconds: 100))
            #expect((99...100).contains(try await pool.ttl(key)))
            #expect(try await pool.pexpire(key, milliseconds: 5000))
            #expect((4000...5000).contains(try await pool.pttl(key)))
            try await pool.delete(key)
        }
    }

    @Test("NX stores only when the key is absent and reports which happened")
    func setIfAbsent() async throws {
        try await withPool(TestServices.redisConfiguration()) { pool in
            let key = uniqueKey()
            #expect(try await pool.set(key, to: "first", expiresInMilliseconds: 10_000, onlyIfNotExists: true))
            #expect(try await pool.set(key, to: "second", onlyIfNotExists: true) == false)
            #expect(try await pool.getString(key) == "first")
            #expect((1...10_000).contains(try await pool.pttl(key)))
            try await pool.delete(key)
        }
    }

    @Test("binary values round-trip byte for byte, as [UInt8] and as ByteBuffer, and through MGET")
    func binaryValues() async throws {
        try await withPool(TestServices.redisConfiguration()) { pool in
            let bytesKey = uniqueKey()
            let bufferKey = uniqueKey()
            let missingKey = uniqueKey()
            let payload: [UInt8] = Array(0...255) + Array("\r\n*1\r\n$-1\r\n".utf8) + Array(0...255).reversed()
            try await pool.set(bytesKey, to: payload)
            try await pool.set(bufferKey, to: ByteBuffer(bytes: payload.reversed()))
            let fetched = try #require(try await pool.get(bytesKey))
            #expect(Array(fetched.readableBytesView) == payload)
            let values = try await pool.mget([bytesKey, missingKey, bufferKey])
            #expect(values.count == 3)
            #expect(values[0].map { Array($0.readableBytesView) } == payload)
            #expect(values[1] == nil)
            #expect(values[2].map { Array($0.readableBytesView) } == payload.reversed())
            #expect(try await pool.delete([bytesKey, bufferKey, missingKey]) == 2)
        }
    }

    @Test("counters: INCR and INCRBY return the new value; EXISTS and DEL count keys")
    func counters() async throws {
        try await withPool(TestServices.redisConfiguration()) { pool in
            let key = uniqueKey()
            let other = uniqueKey()
            #expect(try await pool.incr(key) == 1)
            #expect(try await pool.incrBy(key, by: 10) == 11)
            #expect(try await pool.incrBy(key, by: -3) == 8)
            #expect(try await pool.getString(key) == "8")
            try await pool.set(other, to: 1)
            #expect(try await pool.exists(key, other, uniqueKey()) == 2)
            #expect(try await pool.delete(key, other, uniqueKey()) == 2)
            #expect(try await pool.exists([key, other]) == 0)
            #expect(try await pool.delete([]) == 0)
        }
    }

    @Test("the generic send returns the raw reply for commands without a wrapper")
    func genericSend() async throws {
        try await withPool(TestServices.redisConfiguration()) { pool in
            let key = uniqueKey()
            #expect(try await pool.send("HSET", RedisArgument(key), "field", "value", "count", 3) == .integer(2))
            let reply = try await pool.send(command: "HMGET", arguments: [RedisArgument(key), "count", "absent"])
            #expect(reply == .array([.bulkString(ByteBuffer(string: "3")), .null]))
            #expect(try await pool.send("ECHO", "hi") == .bulkString(ByteBuffer(string: "hi")))
            try await pool.delete(key)
        }
    }

    @Test("100 pipelined commands come back in order, with an error reply in its own slot")
    func pipelining() async throws {
        try await withPool(TestServices.redisConfiguration(maximumConnections: 1)) { pool in
            let counter = uniqueKey()
            let text = uniqueKey()
            let commands = (0..<100).map { _ in RedisCommand("INCR", RedisArgument(counter)) }
            let replies = try await pool.pipeline(commands)
            #expect(replies == (1...100).map { RESPValue.integer($0) })

            let mixed = try await pool.pipeline([
                RedisCommand("SET", RedisArgument(text), "not a number"),
                RedisCommand("INCR", RedisArgument(text)),
                RedisCommand("GET", RedisArgument(text)),
            ])
            #expect(mixed.count == 3)
            #expect(mixed[0] == .simpleString("OK"))
            #expect(mixed[1].description.contains("not an integer"))
            if case .error = mixed[1] {} else { Issue.record("INCR of text should be an error reply, got \(mixed[1])") }
            #expect(mixed[2].string == "not a number")
            #expect(try await pool.pipeline([]).isEmpty)
            try await pool.delete(counter, text)
        }
    }

    @Test("commands sent concurrently on one connection are pipelined and each gets its own reply")
    func concurrentOnOneConnection() async throws {
        let connection = try await RedisConnection.connect(configuration: TestServices.redisConfiguration())
        let prefix = uniqueKey()
        let results = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<20 {
                group.addTask {
                    let reply = try await connection.send("ECHO", RedisArgument("\(prefix)-\(index)"))
                    return (index, reply.string)
                }
            }
            return try await group.reduce(into: [Int: String?]()) { $0[$1.0] = $1.1 }
        }
        await connection.close()
        #expect(results.count == 20)
        for (index, echoed) in results {
            #expect(echoed == "\(prefix)-\(index)")
        }
    }

    @Test("withConnection keeps MULTI/EXEC on one connection and returns the body's result")
    func transactionOnOneConnection() async throws {
        try await withPool(TestServices.redisConfiguration(maximumConnections: 2)) { pool in
            let key = uniqueKey()
            let replies = try await pool.withConnection { connection in
                try await connection.pipeline([
                    RedisCommand("MULTI"),
                    RedisCommand("INCR", RedisArgument(key)),
                    RedisCommand("INCRBY", RedisArgument(key), 5),
                    RedisCommand("EXEC"),
                ])
            }
            #expect(replies.count == 4)
            #expect(replies.last == .array([.integer(1), .integer(6)]))
            #expect(try await pool.getString(key) == "6")
            try await pool.delete(key)
        }
    }

    @Test("50 concurrent tasks share a pool of 4 without exceeding it or mixing up replies")
    func concurrentTasksThroughPool() async throws {
        try await withPool(TestServices.redisConfiguration(maximumConnections: 4)) { pool in
            let counter = uniqueKey()
            let prefix = uniqueKey()
            let clientIDs = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let key = "\(prefix):\(index)"
                        try await pool.set(key, to: "value-\(index)", expiresInMilliseconds: 60_000)
                        try await pool.incr(counter)
                        let value = try await pool.getString(key)
                        #expect(value == "value-\(index)")
                        return try #require(try await pool.send("CLIENT", "ID").int)
                    }
                }
                return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
            }
            #expect(try await pool.getString(counter) == "50")
            #expect(!clientIDs.isEmpty)
            #expect(clientIDs.count <= 4, "the pool opened \(clientIDs.count) connections")
            try await pool.delete([counter] + (0..<50).map { "\(prefix):\($0)" })
        }
    }

    @Test("SELECT isolates databases: the same key holds different values in db 13 and db 14")
    func databaseIsolation() async throws {
        let key = uniqueKey()
        try await withPool(TestServices.redisConfiguration(database: 13)) { db13 in
            try await withPool(TestServices.redisConfiguration(database: 14)) { db14 in
                try await withPool(TestServices.redisConfiguration()) { db0 in
                    try await db13.set(key, to: "thirteen")
                    try await db14.set(key, to: "fourteen")
                    #expect(try await db13.getString(key) == "thirteen")
                    #expect(try await db14.getString(key) == "fourteen")
                    #expect(try await db0.exists(key) == 0)
                    try await db13.delete(key)
                    #expect(try await db14.getString(key) == "fourteen")
                    try await db14.delete(key)
                }
            }
        }
    }

    @Test("FLUSHDB empties only the selected database")
    func flushdb() async throws {
        let key = uniqueKey()
        try await withPool(TestServices.redisConfiguration(database: 15)) { db15 in
            try await withPool(TestServices.redisConfiguration(database: 14)) { db14 in
                try await db15.set(key, to: "gone soon")
                try await db14.set(key, to: "stays")
                try await db15.flushdb()
                #expect(try await db15.exists(key) == 0)
                #expect(try await db14.getString(key) == "stays")
                try await db14.delete(key)
            }
        }
    }

    @Test("an out-of-range database is a server error when the connection opens")
    func badDatabase() async throws {
        try await withPool(TestServices.redisConfiguration(database: 99_999)) { pool in
            let error = await thrownError { try await pool.ping() }
            guard case .server(let message)? = error as? RedisError else {
                Issue.record("expected a server error, got \(String(describing: error))")
                return
            }
            #expect(message.contains("DB index is out of range"))
        }
    }

    @Test("WRONGTYPE and unknown commands throw server errors and leave the connection in use")
    func serverErrors() async throws {
        try await withPool(TestServices.redisConfiguration(maximumConnections: 1)) { pool in
            let key = uniqueKey()
            _ = try await pool.send("LPUSH", RedisArgument(key), "item")
            let clientID = try await pool.send("CLIENT", "ID").int

            let wrongType = await thrownError { try await pool.get(key) }
            guard case .server(let message)? = wrongType as? RedisError else {
                Issue.record("expected a server error, got \(String(describing: wrongType))")
                return
            }
            #expect(message.hasPrefix("WRONGTYPE"))

            let unknown = await thrownError { try await pool.send("NOSUCHCOMMAND", "x") }
            guard case .server(let unknownMessage)? = unknown as? RedisError else {
                Issue.record("expected a server error, got \(String(describing: unknown))")
                return
            }
            #expect(unknownMessage.hasPrefix("ERR unknown command"))

            #expect(
                try await pool.send("CLIENT", "ID").int == clientID, "an error reply should not cost the connection")
            try await pool.delete(key)
        }
    }

    @Test("a command without a reply in time throws commandTimeout and its connection is replaced")
    func commandTimeout() async throws {
        let configuration = try TestServices.redisConfiguration(
            maximumConnections: 1,
            commandTimeout: .milliseconds(200)
        )
        try await withPool(configuration) { pool in
            let before = try await pool.send("CLIENT", "ID").int
            let started = ContinuousClock.now
            let error = await thrownError { try await pool.send("BLPOP", RedisArgument(uniqueKey()), 5) }
            let elapsed = ContinuousClock.now - started
            #expect(error as? RedisError == .commandTimeout)
            #expect(elapsed >= .milliseconds(180))
            // Well under BLPOP's own 5 s, with room for a machine loaded by parallel suites.
            #expect(elapsed < .seconds(4))
            let after = try await pool.send("CLIENT", "ID").int
            #expect(after != nil)
            #expect(after != before, "the timed-out connection was reused")
        }
    }

    @Test("shutdown fails in-flight commands and waiting callers, and later calls throw poolShutDown")
    func shutdownWithWork() async throws {
        let pool = try RedisConnectionPool(
            configuration: TestServices.redisConfiguration(maximumConnections: 1, commandTimeout: nil)
        )
        #expect(try await pool.ping() == "PONG")
        let blocked = Task { await thrownError { try await pool.send("BLPOP", RedisArgument(uniqueKey()), 10) } }
        try await Task.sleep(for: .milliseconds(150))
        let waiting = Task { await thrownError { try await pool.ping() } }
        try await Task.sleep(for: .milliseconds(150))
        let started = ContinuousClock.now
        await pool.shutdown()
        #expect(await blocked.value as? RedisError == .connectionClosed)
        #expect(await waiting.value as? RedisError == .poolShutDown)
        // Well under the 10 s the BLPOP would otherwise block.
        #expect(ContinuousClock.now - started < .seconds(8))
        #expect(await thrownError { try await pool.ping() } as? RedisError == .poolShutDown)
    }

    @Test("a caller cancelled while waiting for a connection stops waiting at once")
    func cancelWhileWaiting() async throws {
        try await withPool(TestServices.redisConfiguration(maximumConnections: 1, commandTimeout: nil)) { pool in
            // The BLPOP holds the only connection for 5 s; a waiter that waited for it would take
            // over 4.8 s, so 3 s proves it stopped at once with room for a loaded machine.
            let holder = Task { try await pool.send("BLPOP", RedisArgument(uniqueKey()), 5) }
            try await Task.sleep(for: .milliseconds(150))
            let started = ContinuousClock.now
            let waiter = Task { await thrownError { try await pool.ping() } }
            try await Task.sleep(for: .milliseconds(50))
            waiter.cancel()
            #expect(await waiter.value is CancellationError)
            #expect(ContinuousClock.now - started < .seconds(3), "the waiter waited for the BLPOP")
            #expect(try await holder.value == .null)
            #expect(try await pool.ping() == "PONG")
        }
    }
}
