import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SMTPClient
import Testing

/// Failures that need no SMTP server: nothing listening, or a peer that never answers.
@Suite struct SMTPFailureTests {
    @Test func nothingListeningIsAConnectionFailure() async throws {
        // setup: bind a port, then free it, so nothing listens there
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        try await server.close()
        // MUT
        let client = SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: port, security: .none))
        let error = await #expect(throws: SMTPError.self) {
            try await client.send(from: "a@example.com", to: ["b@example.com"], message: Array("x".utf8))
        }
        // validate
        guard case .connectionFailed = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error?.isTransient == true)
    }

    @Test func aServerThatNeverGreetsTimesOut() async throws {
        // setup: a peer that accepts connections and says nothing
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        let configuration = SMTPConfiguration(
            host: "127.0.0.1", port: port, security: .none, replyTimeout: .milliseconds(300))
        let started = ContinuousClock.now
        // MUT
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: configuration)
                .send(from: "a@example.com", to: ["b@example.com"], message: Array("x".utf8))
        }
        // validate
        #expect(error == .timeout("the server greeting"))
        // Generous: it proves the timeout fires rather than hanging, on a machine loaded by parallel suites.
        #expect(ContinuousClock.now - started < .seconds(20))
    }
}

/// Servers that speak SMTP but lack what the configuration requires.
@Suite struct SMTPCapabilityRefusalTests {
    /// A peer that greets and answers every command with the next scripted reply, recording what it got.
    final class ScriptedServer: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var replies: [String]
        let received = NIOLockedValueBox<[String]>([])
        private var pending = ""
        private var inData = false

        init(replies: [String]) { self.replies = replies }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: "220 scripted ready\r\n")), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += String(buffer: Self.unwrapInboundIn(data))
            while let end = pending.range(of: "\r\n") {
                let line = String(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                received.withLockedValue { $0.append(line) }
                // Message data is answered once, after the lone `.` that ends it.
                if inData, line != "." { continue }
                let reply = replies.isEmpty ? "221 bye" : replies.removeFirst()
                inData = reply.hasPrefix("354")
                context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: reply + "\r\n")), promise: nil)
            }
        }
    }

    private func withServer(
        replies: [String], _ body: (Int, ScriptedServer) async throws -> Void
    ) async throws {
        let handler = ScriptedServer(replies: replies)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        try await body(try #require(server.localAddress?.port), handler)
    }

    @Test func startTLSRequiredButNotOfferedNeverFallsBackToClearText() async throws {
        try await withServer(replies: ["250-scripted\r\n250 AUTH PLAIN"]) { port, server in
            let configuration = SMTPConfiguration(
                host: "127.0.0.1", port: port, security: .startTLS,
                credentials: .init(username: "u", password: "never-sent"), replyTimeout: .seconds(5))
            await #expect(throws: SMTPError.startTLSUnavailable) {
                try await SMTPClient(configuration: configuration)
                    .send(from: "a@example.com", to: ["b@example.com"], message: Array("x".utf8))
            }
            let received = server.received.withLockedValue { $0 }
            #expect(received.first == "EHLO localhost")
            #expect(!received.contains { $0.hasPrefix("AUTH") || $0.hasPrefix("MAIL") })
        }
    }

    @Test func credentialsWithoutAnOfferedMechanismAreRefused() async throws {
        try await withServer(replies: ["250-scripted\r\n250 AUTH CRAM-MD5"]) { port, server in
            let configuration = SMTPConfiguration(
                host: "127.0.0.1", port: port, security: .none,
                credentials: .init(username: "u", password: "p"), replyTimeout: .seconds(5))
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient(configuration: configuration)
                    .send(from: "a@example.com", to: ["b@example.com"], message: Array("x".utf8))
            }
            guard case .authenticationUnavailable(let reason) = error else {
                Issue.record("got \(String(describing: error))")
                return
            }
            #expect(reason.contains("CRAM-MD5"))
        }
    }

    @Test func aServerWithoutESMTPIsGreetedWithHELO() async throws {
        try await withServer(replies: ["502 what?", "250 hello", "250 ok", "250 ok", "354 go", "250 queued"]) {
            port, server in
            let configuration = SMTPConfiguration(
                host: "127.0.0.1", port: port, security: .none, replyTimeout: .seconds(5))
            let reply = try await SMTPClient(configuration: configuration)
                .send(from: "a@example.com", to: ["b@example.com"], message: Array("Subject: x\r\n\r\nbody".utf8))
            #expect(reply == SMTPReply(code: 250, lines: ["queued"]))
            let received = server.received.withLockedValue { $0 }
            #expect(
                Array(received.prefix(4)) == [
                    "EHLO localhost", "HELO localhost", "MAIL FROM:<a@example.com>", "RCPT TO:<b@example.com>",
                ])
            #expect(Array(received.suffix(6)) == ["DATA", "Subject: x", "", "body", ".", "QUIT"])
        }
    }
}
