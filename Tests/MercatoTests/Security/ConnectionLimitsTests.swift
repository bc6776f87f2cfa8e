import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Slow, idle and oversized clients are answered and dropped instead of holding the server.
@Suite(.serialized) struct ConnectionLimitsTests {
    private func limitedSettings(idleTimeoutSeconds: Int = 2) throws -> Settings {
        var settings = try TestSupport.settings()
        settings.server.limits.idleTimeoutSeconds = idleTimeoutSeconds
        settings.server.limits.bodyReadTimeoutSeconds = 1
        settings.server.limits.requestTimeoutSeconds = 2
        return settings
    }

    /// Runs `body` against the app listening on a free port.
    private func withListeningShop(
        idleTimeoutSeconds: Int = 2, _ body: (Application, Int) async throws -> Void
    ) async throws {
        try await TestSupport.withApp(try limitedSettings(idleTimeoutSeconds: idleTimeoutSeconds)) { app in
            try await app.asyncBoot()
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            do {
                try await body(app, try #require(app.http.server.shared.localAddress?.port))
            } catch {
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
        }
    }

    @Test func aBodyThatNeverArrivesIsAnswered408AndTheConnectionDropped() async throws {
        // The idle timeout well past the body's deadline, so a loaded machine can't close first.
        try await withListeningShop(idleTimeoutSeconds: 6) { _, port in
            // setup: a client that declares 100 bytes and sends one
            let socket = try RawSocket(port: port)
            try socket.send(
                "POST /api/v1/carts HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{")
            // act
            let started = ContinuousClock.now
            let answer = try socket.receiveUntilClosed(timeout: .seconds(40))
            let held = ContinuousClock.now - started
            // verify: told why, then cut off by the idle timeout rather than held open
            #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer.prefix(200))")
            #expect(answer.contains("request_timeout"))
            #expect(held < .seconds(30), "closed after \(held)")
        }
    }

    @Test func anIdleConnectionIsClosed() async throws {
        try await withListeningShop { _, port in
            let socket = try RawSocket(port: port)
            let started = ContinuousClock.now
            let answer = try socket.receiveUntilClosed(timeout: .seconds(20))
            #expect(answer.isEmpty)
            #expect(ContinuousClock.now - started < .seconds(15))
        }
    }

    /// Vapor's parser closes a connection it can't parse without writing a status line; what
    /// matters is that nothing is held: the socket is closed at once, not at the idle timeout.
    @Test func unparsableHTTPIsCutOffAtOnce() async throws {
        try await withListeningShop { _, port in
            let socket = try RawSocket(port: port)
            try socket.send("GET / HTTP/1.1\r\nHost shop\r\n\r\n")
            let started = ContinuousClock.now
            let answer = try socket.receiveUntilClosed(timeout: .seconds(20))
            #expect(!answer.contains("200 OK"))
            #expect(ContinuousClock.now - started < .seconds(1.5), "closed before the 2 s idle timeout")
        }
    }

    @Test func anOverlongTargetIs414AndOversizedHeadersAre431() async throws {
        try await TestSupport.withApp(try limitedSettings()) { app in
            // act
            var statuses: [HTTPStatus] = []
            var codes: [String?] = []
            let long = "/api/v1/search?q=" + String(repeating: "a", count: 9_000)
            try await app.testing().test(.GET, long) {
                statuses.append($0.status)
                codes.append(CommerceFixtures.errorCode($0.body))
            }
            let bulky = HTTPHeaders((0..<20).map { ("X-Filler-\($0)", String(repeating: "b", count: 1_000)) })
            try await app.testing().test(.GET, "/api/v1/products", headers: bulky) {
                statuses.append($0.status)
                codes.append(CommerceFixtures.errorCode($0.body))
            }
            // verify
            #expect(statuses == [.uriTooLong, .requestHeaderFieldsTooLarge])
            #expect(codes == ["uri_too_long", "headers_too_large"])
        }
    }

    @Test func aRequestStillWorkingAtItsDeadlineIs503WithRetryAfter() async throws {
        try await TestSupport.withApp(try limitedSettings()) { app in
            // setup: a route slower than the two-second deadline
            app.get("test-slow") { _ async throws -> String in
                try await Task.sleep(for: .seconds(6))
                return "late"
            }
            // act
            let started = ContinuousClock.now
            try await app.testing().test(.GET, "/test-slow") { response in
                // verify: answered at the deadline, not when the work ended
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers.first(name: "Retry-After") == "1")
                #expect(CommerceFixtures.errorCode(response.body) == "request_timeout")
            }
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test func theDeadlineMustLeaveTheBodyItsTime() throws {
        let outcome = Result {
            try TestSupport.settings(variables: [
                "MERCATO_SERVER_LIMITS_BODY_READ_TIMEOUT_SECONDS": "30",
                "MERCATO_SERVER_LIMITS_REQUEST_TIMEOUT_SECONDS": "20",
            ])
        }
        guard case .failure(let error) = outcome else {
            Issue.record("settings with a deadline shorter than the body's were accepted")
            return
        }
        #expect(String(describing: error).contains("server.limits.requestTimeoutSeconds"))
    }
}

/// A blocking TCP client, for speaking (and misspeaking) HTTP byte by byte.
private final class RawSocket {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(descriptor, bytes, bytes.count, 0) == bytes.count else { throw POSIXError(.EIO) }
    }

    /// Everything the server sends until it closes the connection, or until `timeout`.
    func receiveUntilClosed(timeout: Duration) throws -> String {
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return String(decoding: received, as: UTF8.self) }
            received += buffer[0..<count]
        }
        throw POSIXError(.ETIMEDOUT)
    }

    deinit { close(descriptor) }
}
