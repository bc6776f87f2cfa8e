import NIOCore
import RedisClient
import Testing

/// Failure paths driven by a scripted local server, so they run everywhere without Redis.
@Suite("Connection failures (no Redis needed)")
struct RedisConnectionFailureTests {
    @Test("a closed port is reported as a connection failure naming the address")
    func refused() async throws {
        let port = try await freeLocalPort()
        let error = await thrownError {
            try await RedisConnection.connect(configuration: RedisConfiguration(host: "127.0.0.1", port: port))
        }
        guard case .connectionFailed(let reason)? = error as? RedisError else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("127.0.0.1:\(port)"))
    }

    @Test("a server that accepts but never completes the handshake hits the connect timeout")
    func connectTimeout() async throws {
        try await withFakeServer(.silent) { server in
            let started = ContinuousClock.now
            let error = await thrownError {
                try await RedisConnection.connect(
                    configuration: server.configuration(password: "pw", connectTimeout: .milliseconds(300))
                )
            }
            let elapsed = ContinuousClock.now - started
            #expect(error as? RedisError == .connectTimeout)
            #expect(elapsed >= .milliseconds(250))
            // Generous: it proves the timeout fires rather than hanging, on a machine loaded by parallel suites.
            #expect(elapsed < .seconds(15))
        }
    }

    @Test("a command with no reply times out and closes its connection")
    func commandTimeout() async throws {
        try await withFakeServer(.silent) { server in
            let connection = try await RedisConnection.connect(
                configuration: server.configuration(commandTimeout: .milliseconds(200))
            )
            let started = ContinuousClock.now
            let error = await thrownError { try await connection.ping() }
            #expect(error as? RedisError == .commandTimeout)
            #expect(ContinuousClock.now - started < .seconds(15))
            #expect(!connection.isConnected)
            // Later commands fail at once rather than waiting for a reply that cannot come.
            #expect(await thrownError { try await connection.ping() } as? RedisError == .connectionClosed)
        }
    }

    @Test("bytes that are not RESP are a protocol error and the connection is dropped")
    func garbage() async throws {
        try await withFakeServer(.reply(Array("!not resp\r\n".utf8))) { server in
            let connection = try await RedisConnection.connect(configuration: server.configuration())
            let error = await thrownError { try await connection.ping() }
            guard case .protocolError? = error as? RedisError else {
                Issue.record("expected protocolError, got \(String(describing: error))")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
            #expect(!connection.isConnected)
        }
    }

    @Test("a reply cut off by the server closing fails as connectionClosed")
    func closedMidReply() async throws {
        try await withFakeServer(.replyAndClose(Array("$10\r\nabc".utf8))) { server in
            let connection = try await RedisConnection.connect(configuration: server.configuration())
            #expect(await thrownError { try await connection.get("k") } as? RedisError == .connectionClosed)
        }
    }

    @Test("error replies during the handshake surface as authentication failures")
    func authRejected() async throws {
        try await withFakeServer(.reply(Array("-WRONGPASS invalid username-password pair\r\n".utf8))) { server in
            let error = await thrownError {
                try await RedisConnection.connect(configuration: server.configuration(password: "nope"))
            }
            #expect(error as? RedisError == .authenticationFailed("WRONGPASS invalid username-password pair"))
        }
    }

    @Test("a pool that is shut down refuses commands with poolShutDown, and shutting down twice is harmless")
    func shutDownPool() async throws {
        let pool = try RedisConnectionPool(configuration: RedisConfiguration(port: try await freeLocalPort()))
        await pool.shutdown()
        await pool.shutdown()
        #expect(await thrownError { try await pool.ping() } as? RedisError == .poolShutDown)
        #expect(await thrownError { try await pool.pipeline([RedisCommand("PING")]) } as? RedisError == .poolShutDown)
    }

    @Test("callers waiting for an unreachable server each get the connection error rather than hanging")
    func unreachableThroughPool() async throws {
        let port = try await freeLocalPort()
        try await withPool(RedisConfiguration(host: "127.0.0.1", port: port, maximumConnections: 2)) { pool in
            let errors = await withTaskGroup(of: (any Error)?.self) { group in
                for _ in 0..<10 {
                    group.addTask { await thrownError { try await pool.ping() } }
                }
                return await group.reduce(into: [(any Error)?]()) { $0.append($1) }
            }
            #expect(errors.count == 10)
            for error in errors {
                guard case .connectionFailed? = error as? RedisError else {
                    Issue.record("expected connectionFailed, got \(String(describing: error))")
                    continue
                }
            }
        }
    }
}
