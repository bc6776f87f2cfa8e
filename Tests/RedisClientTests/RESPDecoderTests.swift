import NIOCore
import RedisClient
import Testing

@Suite("RESP decoder")
struct RESPDecoderTests {
    let decoder = RESPDecoder()

    private func decodeAll(_ text: String) throws -> [RESPValue] {
        try decodeAll(Array(text.utf8))
    }

    private func decodeAll(_ bytes: [UInt8]) throws -> [RESPValue] {
        var buffer = ByteBuffer(bytes: bytes)
        var values: [RESPValue] = []
        while let value = try decoder.decodeValue(from: &buffer) {
            values.append(value)
        }
        #expect(buffer.readableBytes == 0, "bytes left over after decoding")
        return values
    }

    @Test("every RESP2 type decodes to its case")
    func scalarTypes() throws {
        let values = try decodeAll(
            "+OK\r\n-ERR bad thing\r\n:42\r\n:-7\r\n$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n")
        #expect(
            values == [
                .simpleString("OK"), .error("ERR bad thing"), .integer(42), .integer(-7),
                .bulkString(ByteBuffer(string: "hello")), .bulkString(ByteBuffer()), .null, .null, .array([]),
            ]
        )
    }

    @Test("the extreme 64-bit integers decode and one past them is rejected")
    func integerBounds() throws {
        #expect(try decodeAll(":9223372036854775807\r\n:-9223372036854775808\r\n") == [.integer(.max), .integer(.min)])
        var overflow = ByteBuffer(string: ":9223372036854775808\r\n")
        #expect(throws: RedisError.self) { try decoder.decodeValue(from: &overflow) }
    }

    @Test("nested arrays keep their shape, including null and error elements")
    func nestedArrays() throws {
        let values = try decodeAll("*3\r\n*2\r\n:1\r\n*1\r\n$1\r\nx\r\n$-1\r\n-WRONGTYPE no\r\n")
        #expect(
            values == [
                .array([
                    .array([.integer(1), .array([.bulkString(ByteBuffer(string: "x"))])]),
                    .null,
                    .error("WRONGTYPE no"),
                ])
            ]
        )
    }

    @Test("every proper prefix of a reply decodes to nothing and consumes nothing")
    func partialFrames() throws {
        let reply = Array("*2\r\n$5\r\nhello\r\n*2\r\n:10\r\n+OK\r\n".utf8)
        for length in 0..<reply.count {
            var buffer = ByteBuffer(bytes: reply[0..<length])
            #expect(try decoder.decodeValue(from: &buffer) == nil, "prefix of \(length) bytes decoded")
            #expect(buffer.readerIndex == 0, "prefix of \(length) bytes consumed input")
        }
        var whole = ByteBuffer(bytes: reply)
        let value = try #require(try decoder.decodeValue(from: &whole))
        #expect(
            value == .array([.bulkString(ByteBuffer(string: "hello")), .array([.integer(10), .simpleString("OK")])]))
        #expect(whole.readableBytes == 0)
    }

    @Test("a stream fed one byte at a time yields the same replies in order")
    func byteAtATime() throws {
        let stream = Array("+PONG\r\n:1\r\n$3\r\nabc\r\n*2\r\n$-1\r\n:2\r\n-ERR x\r\n".utf8)
        var buffer = ByteBuffer()
        var values: [RESPValue] = []
        for byte in stream {
            buffer.writeInteger(byte)
            while let value = try decoder.decodeValue(from: &buffer) {
                values.append(value)
            }
        }
        #expect(
            values == [
                .simpleString("PONG"), .integer(1), .bulkString(ByteBuffer(string: "abc")),
                .array([.null, .integer(2)]), .error("ERR x"),
            ]
        )
    }

    @Test("bulk strings are binary-safe: CR, LF and every byte value survive")
    func binaryBulk() throws {
        let payload: [UInt8] = Array(0...255) + Array("\r\n$-1\r\n".utf8) + [0, 13, 10]
        var wire = ByteBuffer(string: "$\(payload.count)\r\n")
        wire.writeBytes(payload)
        wire.writeString("\r\n")
        let values = try decodeAll(Array(wire.readableBytesView))
        #expect(values.count == 1)
        #expect(values.first?.bytes == payload)
    }

    @Test("a 4 MiB bulk string decodes only once complete")
    func largeBulk() throws {
        let size = 4 * 1024 * 1024
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var wire = ByteBuffer(string: "$\(size)\r\n")
        wire.writeBytes(payload[0..<(size / 2)])
        #expect(try decoder.decodeValue(from: &wire) == nil)
        wire.writeBytes(payload[(size / 2)...])
        #expect(try decoder.decodeValue(from: &wire) == nil, "decoded before the trailing CRLF arrived")
        wire.writeString("\r\n")
        let value = try #require(try decoder.decodeValue(from: &wire))
        #expect(value.buffer?.readableBytes == size)
        #expect(value.bytes == payload)
    }

    /// Wire bytes named by what is wrong with them, so test output shows the reason, not raw CRLFs.
    struct Malformed: Sendable, CustomTestStringConvertible {
        let wire: String
        let testDescription: String
        init(_ wire: String, _ reason: String) {
            self.wire = wire
            self.testDescription = reason
        }
    }

    @Test(
        "malformed input is a protocol error",
        arguments: [
            Malformed("?what\r\n", "unknown type byte"),
            Malformed(":12a\r\n", "not an integer"),
            Malformed(":\r\n", "empty integer"),
            Malformed(":+5\r\n", "plus sign on an integer"),
            Malformed("$3\r\nabcd\r\n", "bulk longer than announced"),
            Malformed("$-2\r\n", "negative bulk length other than -1"),
            Malformed("*-5\r\n", "negative array count other than -1"),
            Malformed("+OK\rX", "CR not followed by LF"),
        ]
    )
    func malformed(input: Malformed) {
        var buffer = ByteBuffer(string: input.wire)
        #expect(throws: RedisError.self) { try decoder.decodeValue(from: &buffer) }
    }

    @Test("limits reject hostile sizes and depths instead of buffering or recursing forever")
    func limits() throws {
        let strict = RESPDecoder(maximumBulkLength: 10, maximumNestingDepth: 3, maximumLineLength: 16)
        var big = ByteBuffer(string: "$11\r\n")
        #expect(throws: RedisError.protocolError("bulk string length 11 is out of range")) {
            try strict.decodeValue(from: &big)
        }
        var deep = ByteBuffer(string: "*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n")
        #expect(throws: RedisError.self) { try strict.decodeValue(from: &deep) }
        var shallow = ByteBuffer(string: "*1\r\n*1\r\n*1\r\n:1\r\n")
        #expect(try strict.decodeValue(from: &shallow) == .array([.array([.array([.integer(1)])])]))
        var endless = ByteBuffer(string: "+" + String(repeating: "a", count: 32))
        #expect(throws: RedisError.self) { try strict.decodeValue(from: &endless) }
    }

    @Test("values the encoder writes decode back to themselves")
    func roundTrip() throws {
        let original: RESPValue = .array([
            .simpleString("OK"), .error("ERR e"), .integer(-12), .bulkString(ByteBuffer(bytes: [0, 255, 13, 10])),
            .null, .array([]), .array([.array([.integer(1)])]),
        ])
        var buffer = ByteBuffer()
        RESPEncoder.encode(original, into: &buffer)
        #expect(try decoder.decodeValue(from: &buffer) == original)
        #expect(buffer.readableBytes == 0)
    }
}
