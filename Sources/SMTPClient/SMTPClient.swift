import Logging
import NIOCore
import NIOPosix

/// Sends each message over its own short SMTP session: connect, handshake, send, `QUIT`.
///
/// Transactional mail is rare enough per process that a fresh session per message costs little and
/// never leaves a half-broken connection behind for the next message.
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    /// Creates a client; nothing connects until ``send(from:to:message:)``.
    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "mercato.smtp")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Delivers one message; see ``SMTPConnection/send(from:to:message:)``.
    @discardableResult
    public func send(from sender: String, to recipients: [String], message: some Sequence<UInt8>) async throws
        -> SMTPReply
    {
        let connection = try await SMTPConnection.connect(
            configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        do {
            let reply = try await connection.send(from: sender, to: recipients, message: message)
            await connection.quit()
            return reply
        } catch {
            await connection.close()
            throw error
        }
    }
}
