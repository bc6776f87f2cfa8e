import NIOCore

/// Splits the byte stream from the server into replies (RFC 5321 section 4.2): lines of
/// `NNN-text` continue a reply and the first `NNN text` line completes it.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    /// RFC 5321 limits a reply line to 512 octets; servers exceed it in practice, a megabyte does not.
    static let maximumLineBytes = 16 * 1024

    private var pendingCode: Int?
    private var pendingLines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineBytes {
                throw SMTPError.protocolViolation("a reply line is longer than \(Self.maximumLineBytes) bytes")
            }
            return .needMoreData
        }
        let length = newline - view.startIndex + 1
        var textLength = length - 1
        if textLength > 0, buffer.getInteger(at: buffer.readerIndex + textLength - 1, as: UInt8.self) == 0x0D {
            textLength -= 1
        }
        let line = buffer.readString(length: textLength) ?? ""
        buffer.moveReaderIndex(forwardBy: length - textLength)

        let digits = line.prefix(3)
        guard digits.count == 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let code = Int(digits),
            (200...599).contains(code)
        else {
            throw SMTPError.protocolViolation("malformed reply line '\(line.prefix(80))'")
        }
        let rest = line.dropFirst(3)
        let separator = rest.first
        let text = separator == nil ? "" : String(rest.dropFirst())
        if let pendingCode, pendingCode != code {
            throw SMTPError.protocolViolation("reply code changed from \(pendingCode) to \(code) within one reply")
        }
        pendingLines.append(text)
        if separator == "-" {
            pendingCode = code
            return .continue
        }
        guard separator == nil || separator == " " else {
            throw SMTPError.protocolViolation("malformed reply line '\(line.prefix(80))'")
        }
        let reply = SMTPReply(code: code, lines: pendingLines)
        pendingCode = nil
        pendingLines = []
        context.fireChannelRead(Self.wrapInboundOut(reply))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
