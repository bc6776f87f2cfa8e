import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `mercato serve` stops cleanly on SIGTERM, as an orchestrator stopping a task expects: requests
/// already running finish, then the process exits 0.
@Suite struct GracefulShutdownTests {
    private func waitUntilLive(port: Int) async throws -> Bool {
        for _ in 0..<100 {
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health/live")
            if (try? await HTTPClient.shared.execute(request, timeout: .seconds(1)))?.status == .ok { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func sigtermExitsZeroWithoutTouchingTheSchema() async throws {
        // setup: a testing-environment server on its own SQLite file
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = [
            "LOG_LEVEL": "info", "MERCATO_DATABASE_DATABASE": directory.appendingPathComponent("db.sqlite").path,
        ]
        let port = Int.random(in: 20_000...40_000)
        let (process, stdout, _) = try CommandLineRunner.start(
            ["serve", "--env", "testing", "--port", String(port)], environment: environment)
        defer { if process.isRunning { process.terminate() } }
        #expect(try await waitUntilLive(port: port))
        // MUT
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        // validate
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(output.contains("mercato stopped cleanly"))
        // Only development migrates on serve: the schema must still be entirely pending.
        let dryRun = try CommandLineRunner.run(["migrate", "--env", "testing", "--dry-run"], environment: environment)
        #expect(dryRun.stdout.contains("0001_create_audit_events"))
    }

    @Test func inFlightRequestFinishesAfterSigterm() async throws {
        // setup: a "database" that accepts connections and never answers, so readiness takes its
        // full two-second timeout — a request that is reliably still running when SIGTERM arrives.
        let blackhole = try SilentListener()
        defer { blackhole.close() }
        let port = Int.random(in: 20_000...40_000)
        let (process, _, _) = try CommandLineRunner.start(
            ["serve", "--env", "testing", "--port", String(port)],
            environment: [
                "MERCATO_DATABASE_HOST": "127.0.0.1", "MERCATO_DATABASE_PORT": String(blackhole.port),
                "MERCATO_DATABASE_SSL": "false",
            ])
        defer { if process.isRunning { process.terminate() } }
        #expect(try await waitUntilLive(port: port))
        let clock = ContinuousClock()
        let sent = clock.now
        let slow = Task {
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health/ready")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 64 * 1024)
            return (response.status, String(buffer: body), clock.now - sent)
        }
        try await Task.sleep(for: .milliseconds(500))
        // MUT
        kill(process.processIdentifier, SIGTERM)
        // validate: the running request still gets its answer, then the process exits cleanly
        let (status, body, elapsed) = try await slow.value
        #expect(status == .serviceUnavailable)
        #expect(body.contains("no answer within"))  // it ran its full course, not cut short
        #expect(elapsed >= .milliseconds(1_900))
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}

/// A TCP port that completes handshakes (the kernel's backlog) but never reads or replies.
final class SilentListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && listen(fd, 16) == 0
                    && getsockname(fd, socketAddress, &length) == 0
            }
        }
        try #require(bound, "could not open a local listening socket")
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
