import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP session: greeting, `EHLO`, optional `STARTTLS`, optional `AUTH`, then any number of
/// messages until ``quit()``.
///
/// Commands are strictly sequential (no pipelining), which every server supports and which keeps
/// error handling exact: each failure names the command the server refused.
public final class SMTPConnection: Sendable {
    /// What the server announced after the last `EHLO` (after TLS, when upgraded).
    public let capabilities: SMTPCapabilities
    let channel: any Channel
    let configuration: SMTPConfiguration
    private let firstFailure: NIOLockedValueBox<SMTPError?>
    private let logger: Logger

    private init(
        channel: any Channel, configuration: SMTPConfiguration, capabilities: SMTPCapabilities,
        firstFailure: NIOLockedValueBox<SMTPError?>, logger: Logger
    ) {
        self.channel = channel
        self.firstFailure = firstFailure
        self.configuration = configuration
        self.capabilities = capabilities
        self.logger = logger
    }

    /// Connects and completes the handshake the configuration asks for.
    ///
    /// - Throws: ``SMTPError``: `.connectionFailed` or `.timeout` when the server can't be reached,
    ///   `.startTLSUnavailable` or `.tls` when the secure upgrade fails, `.authenticationFailed` or
    ///   `.authenticationUnavailable` when logging in fails, `.rejected` for any other refusal.
    public static func connect(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "mercato.smtp")
    ) async throws -> SMTPConnection {
        let firstFailure = NIOLockedValueBox<SMTPError?>(nil)
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    try channel.pipeline.syncOperations.addHandler(SMTPChannelHandler(firstFailure: firstFailure))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch ChannelError.connectTimeout {
            throw SMTPError.timeout("the connection to \(configuration.host):\(configuration.port)")
        } catch {
            throw SMTPError.connectionFailed("\(configuration.host):\(configuration.port): \(error)")
        }
        do {
            let session = Session(channel: channel, timeout: configuration.replyTimeout, firstFailure: firstFailure)
            let capabilities = try await handshake(session, configuration: configuration)
            logger.debug("SMTP session open", metadata: ["smtp.server": "\(configuration.host):\(configuration.port)"])
            return SMTPConnection(
                channel: channel, configuration: configuration, capabilities: capabilities, firstFailure: firstFailure,
                logger: logger)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private static func handshake(_ session: Session, configuration: SMTPConfiguration) async throws
        -> SMTPCapabilities
    {
        let greeting = try await session.exchange(nil, stage: "the server greeting")
        guard greeting.code == 220 else { throw SMTPError.rejected(command: "connection", reply: greeting) }
        var capabilities = try await hello(session, configuration: configuration)

        if case .startTLS(let tlsConfiguration) = configuration.security {
            guard capabilities.supports("STARTTLS") else { throw SMTPError.startTLSUnavailable }
            try await session.expect(220, command: "STARTTLS")
            try await upgradeToTLS(session.channel, configuration: tlsConfiguration, host: configuration.host)
            // RFC 3207: everything learnt before the upgrade is discarded and EHLO is sent again.
            capabilities = try await hello(session, configuration: configuration)
        }
        if let credentials = configuration.credentials {
            try await authenticate(
                session, credentials: credentials, configuration: configuration, capabilities: capabilities)
        }
        return capabilities
    }

    private static func hello(_ session: Session, configuration: SMTPConfiguration) async throws -> SMTPCapabilities {
        let name = configuration.clientName
        let ehlo = try await session.exchange("EHLO \(name)", stage: "the EHLO reply")
        if ehlo.isPositiveCompletion { return SMTPCapabilities(ehloReply: ehlo) }
        // A server from before ESMTP answers 500/502: greet the old way, with no extensions.
        guard [500, 502].contains(ehlo.code) else { throw SMTPError.rejected(command: "EHLO", reply: ehlo) }
        try await session.expect(250, command: "HELO \(name)")
        return SMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: [name]))
    }

    private static func upgradeToTLS(_ channel: any Channel, configuration: TLSConfiguration, host: String)
        async throws
    {
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw SMTPError.tls("cannot build the TLS context: \(error)")
        }
        // SNI must be a name; for an IP address the certificate is checked against the address.
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        try await channel.eventLoop.submit {
            let handler = try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
    }

    private static func authenticate(
        _ session: Session, credentials: SMTPConfiguration.Credentials, configuration: SMTPConfiguration,
        capabilities: SMTPCapabilities
    ) async throws {
        let offered = capabilities.authenticationMechanisms
        let mechanism = configuration.authenticationMechanisms.first { offered.contains($0.rawValue) }
        switch mechanism {
        case .plain:
            let token = base64(Array("\0\(credentials.username)\0\(credentials.password)".utf8))
            let reply = try await session.exchange("AUTH PLAIN \(token)", stage: "the AUTH reply")
            guard reply.code == 235 else { throw SMTPError.authenticationFailed(reply) }
        case .login:
            let start = try await session.exchange("AUTH LOGIN", stage: "the AUTH reply")
            guard start.code == 334 else { throw SMTPError.authenticationFailed(start) }
            let user = try await session.exchange(
                base64(Array(credentials.username.utf8)), stage: "the AUTH reply")
            guard user.code == 334 else { throw SMTPError.authenticationFailed(user) }
            let reply = try await session.exchange(
                base64(Array(credentials.password.utf8)), stage: "the AUTH reply")
            guard reply.code == 235 else { throw SMTPError.authenticationFailed(reply) }
        case nil:
            let wanted = configuration.authenticationMechanisms.map(\.rawValue).joined(separator: ", ")
            let list = offered.isEmpty ? "none" : offered.sorted().joined(separator: ", ")
            throw SMTPError.authenticationUnavailable("the server offers AUTH \(list); this client is set to \(wanted)")
        }
    }

    /// Sends one message.
    ///
    /// - Parameters:
    ///   - sender: The envelope sender (`MAIL FROM`), a bare address such as `shop@example.com`.
    ///   - recipients: The envelope recipients (`RCPT TO`); every one must be accepted.
    ///   - message: The complete RFC 5322 message, headers and body. Line endings are normalised to
    ///     CRLF and lines starting with `.` are dot-stuffed here.
    /// - Returns: The server's reply to the end of the data, which often carries its queue id.
    @discardableResult
    public func send(from sender: String, to recipients: [String], message: some Sequence<UInt8>) async throws
        -> SMTPReply
    {
        guard !recipients.isEmpty else { throw SMTPError.invalidMessage("a message needs at least one recipient") }
        let utf8Allowed = capabilities.supports("SMTPUTF8")
        for address in [sender] + recipients {
            try Self.validate(address, utf8Allowed: utf8Allowed)
        }
        let needsUTF8 = !([sender] + recipients).allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
        let session = Session(channel: channel, timeout: configuration.replyTimeout, firstFailure: firstFailure)
        var data = channel.allocator.buffer(capacity: 4096)
        Self.writeDotStuffed(message, into: &data)
        if let limit = capabilities.maximumMessageBytes, data.readableBytes > limit {
            throw SMTPError.invalidMessage("the message is \(data.readableBytes) bytes; the server accepts \(limit)")
        }
        try await session.expect(250, command: "MAIL FROM:<\(sender)>" + (needsUTF8 ? " SMTPUTF8" : ""))
        for recipient in recipients {
            let reply = try await session.exchange("RCPT TO:<\(recipient)>", stage: "the RCPT reply")
            guard reply.code == 250 || reply.code == 251 else {
                throw SMTPError.rejected(command: "RCPT TO:<\(recipient)>", reply: reply)
            }
        }
        try await session.expect(354, command: "DATA")
        let reply = try await session.exchange(payload: data, stage: "the reply to the message data")
        guard reply.code == 250 else { throw SMTPError.rejected(command: "DATA", reply: reply) }
        logger.debug("SMTP message accepted", metadata: ["smtp.reply": "\(reply)"])
        return reply
    }

    /// Ends the session politely and closes the socket; never throws, since the mail is already sent.
    public func quit() async {
        let session = Session(channel: channel, timeout: .seconds(5), firstFailure: firstFailure)
        _ = try? await session.exchange("QUIT", stage: "the QUIT reply")
        try? await channel.close()
    }

    /// Closes the socket without `QUIT`.
    public func close() async {
        try? await channel.close()
    }

    static func validate(_ address: String, utf8Allowed: Bool) throws {
        guard !address.isEmpty, address.contains("@") else {
            throw SMTPError.invalidMessage("'\(address)' is not an email address")
        }
        guard !address.unicodeScalars.contains(where: { $0.value < 0x21 || "<>".unicodeScalars.contains($0) })
        else {
            throw SMTPError.invalidMessage("'\(address)' contains spaces, control characters or angle brackets")
        }
        guard utf8Allowed || address.utf8.allSatisfy({ $0 < 0x80 }) else {
            throw SMTPError.invalidMessage("'\(address)' is not ASCII and the server does not offer SMTPUTF8")
        }
    }

    /// RFC 5321 section 4.5.2: a line that starts with `.` gets a second one, so only `.` alone on a
    /// line ends the data. Bare CR or LF become CRLF, since a lone LF is not a line end in SMTP.
    static func writeDotStuffed(_ message: some Sequence<UInt8>, into buffer: inout ByteBuffer) {
        var atLineStart = true
        var previousWasCR = false
        for byte in message {
            if previousWasCR, byte == 0x0A {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            if byte == 0x0D || byte == 0x0A {
                buffer.writeBytes([0x0D, 0x0A])
                atLineStart = true
                previousWasCR = byte == 0x0D
                continue
            }
            if atLineStart, byte == UInt8(ascii: ".") { buffer.writeInteger(UInt8(ascii: ".")) }
            buffer.writeInteger(byte)
            atLineStart = false
        }
        if !atLineStart { buffer.writeBytes([0x0D, 0x0A]) }
        buffer.writeString(".\r\n")
    }
}

/// Sends one command at a time and waits, with a deadline, for its reply.
private struct Session: Sendable {
    let channel: any Channel
    let timeout: Duration
    let firstFailure: NIOLockedValueBox<SMTPError?>

    func expect(_ code: Int, command: String) async throws {
        let reply = try await exchange(command, stage: "the reply to \(command.split(separator: " ").first ?? "")")
        guard reply.code == code else { throw SMTPError.rejected(command: command, reply: reply) }
    }

    func exchange(_ command: String?, stage: String) async throws -> SMTPReply {
        try await exchange(payload: command.map { channel.allocator.buffer(string: $0 + "\r\n") }, stage: stage)
    }

    func exchange(payload: ByteBuffer?, stage: String) async throws -> SMTPReply {
        let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
        // After a timeout the conversation is out of step, so the connection cannot be reused.
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) { [channel] in
            promise.fail(SMTPError.timeout(stage))
            channel.close(promise: nil)
        }
        channel.writeAndFlush(SMTPExchange(payload: payload, promise: promise)).whenFailure { error in
            promise.fail(
                firstFailure.withLockedValue { $0 } ?? SMTPChannelHandler.map(error, otherwise: .connectionClosed))
        }
        defer { timer.cancel() }
        return try await promise.futureResult.get()
    }
}

private func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var output: [UInt8] = []
    output.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index < bytes.count {
        let chunk = bytes[index..<min(index + 3, bytes.count)]
        let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
        for position in 0..<4 {
            if position <= chunk.count {
                output.append(alphabet[Int((value >> (18 - 6 * UInt32(position))) & 0x3F)])
            } else {
                output.append(UInt8(ascii: "="))
            }
        }
        index += 3
    }
    return String(decoding: output, as: UTF8.self)
}
