import Foundation
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
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
