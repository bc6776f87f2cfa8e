import Foundation
import RedisClient
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Kills and restarts a redis-server of its own (from PATH, on a free port), so it never disturbs
/// the shared test server. Runs whenever the Redis integration suites do.
@Suite(
    "Redis reconnect after a server restart",
    .enabled(if: TestServices.redisEnabled, "set MERCATO_TEST_REDIS_URL to run the Redis suites")
)
struct RedisRestartTests {
    @Test("after redis-server is killed and started again, the pool's commands succeed again")
    func reconnectsAfterRestart() async throws {
        let executable = try #require(
            RedisServerProcess.findExecutable(),
            "redis-server is not on PATH; install it (apt-get install redis-server) to run the restart test"
        )
        let server = RedisServerProcess(executable: executable, port: try await freeLocalPort())
        defer { server.kill() }
        try server.start()
        try await server.waitUntilReady()

        let configuration = RedisConfiguration(
            host: "127.0.0.1",
            port: server.port,
            maximumConnections: 2,
            connectTimeout: .seconds(1),
            commandTimeout: .seconds(2)
        )
        try await withPool(configuration) { pool in
            let key = uniqueKey()
            // Two concurrent commands leave two idle connections that the restart will break.
            async let first = pool.set(key, to: "before restart")
            async let second = pool.ping()
            _ = try await (first, second)
            #expect(try await pool.getString(key) == "before restart")

            server.kill()
            let whileDown = await thrownError { try await pool.ping() }
            switch whileDown as? RedisError {
            case .connectionFailed?, .connectionClosed?: break
            default:
                Issue.record(
                    "expected a connection error while the server is down, got \(String(describing: whileDown))")
            }
            // By now any connection the restart broke has been discarded: nothing left to reuse.
            guard case .connectionFailed? = await thrownError({ try await pool.ping() }) as? RedisError else {
                Issue.record("a command while the server is down should fail to connect")
                return
            }

            try server.start()
            try await server.waitUntilReady()
            // Documented contract: at most the first command after the restart may fail, and only
            // with connectionClosed; the next one succeeds.
            var failures = 0
            for _ in 0..<2 {
                do {
                    #expect(try await pool.ping() == "PONG")
                    break
                } catch {
                    failures += 1
                    #expect(error as? RedisError == .connectionClosed)
                }
            }
            #expect(failures <= 1)
            // The new server started empty (no persistence), which proves this is a new process.
            #expect(try await pool.getString(key) == nil)
            try await pool.set(key, to: "after restart")
            #expect(try await pool.getString(key) == "after restart")
        }
    }
}

/// A redis-server child process without persistence, killed with SIGKILL to imitate a crash.
final class RedisServerProcess: @unchecked Sendable {
    // Only touched from the test's own task; @unchecked because Process is not Sendable.
    let executable: String
    let port: Int
    let directory: URL
    private var process: Process?

    init(executable: String, port: Int) {
        self.executable = executable
        self.port = port
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("mercato-redis-\(port)")
    }

    static func findExecutable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/redis-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    func start() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", directory.path, "--daemonize", "no",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        let probe = RedisConfiguration(host: "127.0.0.1", port: port, connectTimeout: .milliseconds(500))
        while ContinuousClock.now < deadline {
            if let connection = try? await RedisConnection.connect(configuration: probe) {
                let answered = (try? await connection.ping()) == "PONG"
                await connection.close()
                if answered { return }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSetupError("redis-server on port \(port) did not answer PING within 10 s")
    }

    func kill() {
        guard let process, process.isRunning else { return }
        #if canImport(Glibc) || canImport(Darwin)
            _ = Glibc.kill(process.processIdentifier, SIGKILL)
        #else
            process.terminate()
        #endif
        process.waitUntilExit()
        self.process = nil
        try? FileManager.default.removeItem(at: directory)
    }
}
