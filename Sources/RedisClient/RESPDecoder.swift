import NIOCore

/// Reads RESP2 replies out of a byte stream.
///
/// TCP delivers replies in arbitrary pieces, so ``decodeValue(from:)`` only consumes bytes once a
/// whole value (with all nested elements) is buffered and otherwise leaves the buffer untouched.
public struct RESPDecoder: Sendable {
    /// The longest bulk string accepted; Redis' own default `proto-max-bulk-len` is 512 MiB.
    public var maximumBulkLength: Int
    /// How deep arrays may nest before the stream is treated as corrupt; this bounds recursion.
    public var maximumNestingDepth: Int
    /// The longest status, error or length line accepted while still waiting for its CRLF, so a
    /// peer that is not speaking RESP cannot make the buffer grow without bound.
    public var maximumLineLength: Int

    /// A decoder with Redis' own limits.
    public init(
        maximumBulkLength: Int = 512 * 1024 * 1024,
        maximumNestingDepth: Int = 128,
        maximumLineLength: Int = 1024 * 1024
    ) {
        self.maximumBulkLength = maximumBulkLength
        self.maximumNestingDepth = maximumNestingDepth
        self.maximumLineLength = maximumLineLength
    }

    /// Decodes one complete value from the front of `buffer` and consumes its bytes.
    ///
    /// - Returns: The value, or `nil` (consuming nothing) when the buffer holds only part of it.
    /// - Throws: ``RedisError/protocolError(_:)`` when the bytes are not valid RESP2.
    public func decodeValue(from buffer: inout ByteBuffer) throws -> RESPValue? {
        var index = buffer.readerIndex
        guard let value = try parseValue(in: buffer, at: &index, depth: 0) else { return nil }
        buffer.moveReaderIndex(to: index)
        return value
    }

    private func parseValue(in buffer: ByteBuffer, at index: inout Int, depth: Int) throws -> RESPValue? {
        guard let marker = buffer.getInteger(at: index, as: UInt8.self) else { return nil }
        var cursor = index + 1
        switch marker {
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let line = try readLine(in: buffer, at: &cursor) else { return nil }
            let text = String(decoding: line, as: UTF8.self)
            index = cursor
            return marker == UInt8(ascii: "+") ? .simpleString(text) : .error(text)
        case UInt8(ascii: ":"):
            guard let number = try readInteger(in: buffer, at: &cursor) else { return nil }
            index = cursor
            return .integer(number)
        case UInt8(ascii: "$"):
            guard let length = try readInteger(in: buffer, at: &cursor) else { return nil }
            if length == -1 {
                index = cursor
                return .null
            }
            guard length >= 0, length <= maximumBulkLength else {
                throw RedisError.protocolError("bulk string length \(length) is out of range")
            }
            guard buffer.writerIndex - cursor >= length + 2 else { return nil }
            guard buffer.getInteger(at: cursor + length, as: UInt16.self) == Self.crlf else {
                throw RedisError.protocolError("bulk string of \(length) bytes is not followed by CRLF")
            }
            let payload = buffer.getSlice(at: cursor, length: length)!
            index = cursor + length + 2
            return .bulkString(payload)
        case UInt8(ascii: "*"):
            guard let count = try readInteger(in: buffer, at: &cursor) else { return nil }
            if count == -1 {
                index = cursor
                return .null
            }
            guard count >= 0 else { throw RedisError.protocolError("array length \(count) is negative") }
            guard depth < maximumNestingDepth else {
                throw RedisError.protocolError("arrays nested deeper than \(maximumNestingDepth) levels")
            }
            // Each element takes at least 3 bytes, so a count beyond what is buffered cannot be
            // satisfied yet; checking first avoids reserving memory for a hostile count.
            guard count <= (buffer.writerIndex - cursor) / 3 else { return nil }
            var elements: [RESPValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count {
                guard let element = try parseValue(in: buffer, at: &cursor, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            index = cursor
            return .array(elements)
        default:
            throw RedisError.protocolError("unexpected type byte 0x\(String(marker, radix: 16)) in reply")
        }
    }

    /// The bytes up to the next CRLF, advancing `index` past it; `nil` when no CRLF is buffered yet.
    private func readLine(in buffer: ByteBuffer, at index: inout Int) throws -> ByteBufferView? {
        let available = buffer.writerIndex - index
        let view = buffer.getSlice(at: index, length: available)!.readableBytesView
        guard let carriageReturn = view.firstIndex(of: UInt8(ascii: "\r")) else {
            if available > maximumLineLength {
                throw RedisError.protocolError("line longer than \(maximumLineLength) bytes without CRLF")
            }
            return nil
        }
        let lineLength = carriageReturn - view.startIndex
        guard lineLength + 1 < available else { return nil }  // the LF has not arrived yet
        guard view[carriageReturn + 1] == UInt8(ascii: "\n") else {
            throw RedisError.protocolError("carriage return not followed by line feed")
        }
        index += lineLength + 2
        return view[view.startIndex..<carriageReturn]
    }

    private func readInteger(in buffer: ByteBuffer, at index: inout Int) throws -> Int? {
        var cursor = index
        guard let line = try readLine(in: buffer, at: &cursor) else { return nil }
        guard let number = Self.parseInteger(line) else {
            throw RedisError.protocolError("invalid integer \"\(String(decoding: line, as: UTF8.self))\"")
        }
        index = cursor
        return number
    }

    // Hand-rolled so malformed input (spaces, "+5", overflow) is rejected exactly as RESP requires.
    private static func parseInteger(_ digits: ByteBufferView) -> Int? {
        var iterator = digits.makeIterator()
        guard var byte = iterator.next() else { return nil }
        let negative = byte == UInt8(ascii: "-")
        if negative {
            guard let next = iterator.next() else { return nil }
            byte = next
        }
        var value = 0
        while true {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = next
            guard let following = iterator.next() else { return value }
            byte = following
        }
    }

    private static let crlf: UInt16 = 0x0D0A
}

extension RESPDecoder: ByteToMessageDecoder {
    /// Each decoded reply is passed on to the command handler.
    public typealias InboundOut = RESPValue

    /// Emits one reply per call so ``ByteToMessageHandler`` keeps calling while whole replies remain.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let value = try decodeValue(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(value))
        return .continue
    }

    /// Drains whole replies at end of stream; a trailing partial reply can never complete, so it
    /// is dropped and the pending command fails as a closed connection rather than a protocol error.
    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        if try decode(context: context, buffer: &buffer) == .continue { return .continue }
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
