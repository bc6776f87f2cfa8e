import NIOCore
import NIOEmbedded
import Testing

@testable import SMTPClient

/// Reply parsing and the data encoding, byte for byte.
@Suite struct SMTPWireFormatTests {
    private func decode(_ text: String) throws -> [SMTPReply] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPReplyDecoder()))
        try channel.writeInbound(ByteBuffer(string: text))
        var replies: [SMTPReply] = []
        while let reply = try channel.readInbound(as: SMTPReply.self) { replies.append(reply) }
        return replies
    }

    @Test func multiLineRepliesBecomeOneReplyAndCapabilitiesAreRead() throws {
        let replies = try decode(
            "220 mx ready\r\n250-mx.example\r\n250-SIZE 1000\r\n250-AUTH PLAIN login\r\n250 STARTTLS\r\n")
        #expect(
            replies == [
                SMTPReply(code: 220, lines: ["mx ready"]),
                SMTPReply(code: 250, lines: ["mx.example", "SIZE 1000", "AUTH PLAIN login", "STARTTLS"]),
            ])
        let capabilities = SMTPCapabilities(ehloReply: replies[1])
        #expect(capabilities.supports("starttls"))
        #expect(capabilities.authenticationMechanisms == ["PLAIN", "LOGIN"])
        #expect(capabilities.maximumMessageBytes == 1000)
    }

    @Test func aReplySplitAcrossReadsWaitsForItsLastLine() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPReplyDecoder()))
        try channel.writeInbound(ByteBuffer(string: "250-first\r\n25"))
        #expect(try channel.readInbound(as: SMTPReply.self) == nil)
        try channel.writeInbound(ByteBuffer(string: "0 last\r\n"))
        #expect(try channel.readInbound(as: SMTPReply.self) == SMTPReply(code: 250, lines: ["first", "last"]))
    }

    @Test(arguments: ["hello\r\n", "25 short\r\n", "250-a\r\n251 b\r\n", "099 low\r\n"])
    func somethingThatIsNotSMTPIsAProtocolViolation(text: String) throws {
        #expect(throws: SMTPError.self) { try decode(text) }
    }

    @Test func dataIsDotStuffedCRLFTerminatedAndEndsWithTheTerminator() {
        var buffer = ByteBuffer()
        SMTPConnection.writeDotStuffed(Array(".a\n..b\r\nc\r.\r\nd".utf8), into: &buffer)
        #expect(String(buffer: buffer) == "..a\r\n...b\r\nc\r\n..\r\nd\r\n.\r\n")
    }
}
