import NIOCore
import RedisClient
import Testing

@Suite("RESP encoder and values")
struct RESPEncoderTests {
    private func wire(_ command: RedisCommand) -> String {
        var buffer = ByteBuffer()
        RESPEncoder.encode(command, into: &buffer)
        return String(buffer: buffer)
    }

    @Test("a command is an array of bulk strings, name first")
    func commandLayout() {
        #expect(wire(RedisCommand("SET", "key", "value")) == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n")
        #expect(wire(RedisCommand("PING")) == "*1\r\n$4\r\nPING\r\n")
    }

    @Test("lengths count UTF-8 bytes, not characters")
    func utf8Lengths() {
        #expect(wire(RedisCommand("GET", "é€")) == "*2\r\n$3\r\nGET\r\n$5\r\né€\r\n")
    }

    @Test("integers, empty strings, byte arrays and buffers are sent verbatim")
    func argumentKinds() {
        var buffer = ByteBuffer()
        RESPEncoder.encode(
            RedisCommand("X", arguments: [42, -1, "", .bytes([0, 13, 10, 255]), .buffer(ByteBuffer(string: "buf"))]),
            into: &buffer
        )
        let expected: [UInt8] =
            Array("*6\r\n$1\r\nX\r\n$2\r\n42\r\n$2\r\n-1\r\n$0\r\n\r\n$4\r\n".utf8) + [0, 13, 10, 255]
            + Array("\r\n$3\r\nbuf\r\n".utf8)
        #expect(Array(buffer.readableBytesView) == expected)
    }

    @Test("the convertible types produce the same bytes as the explicit arguments")
    func convertibles() {
        #expect("abc".redisArgument == RedisArgument("abc"))
        #expect("abc".dropFirst().redisArgument == RedisArgument("bc"))
        #expect(7.redisArgument == RedisArgument("7"))
        #expect(Int64(-3).redisArgument == RedisArgument("-3"))
        let viaBytes = wire(RedisCommand("SET", arguments: ["k", [UInt8]([104, 105]).redisArgument]))
        let viaBuffer = wire(RedisCommand("SET", arguments: ["k", ByteBuffer(string: "hi").redisArgument]))
        #expect(viaBytes == viaBuffer)
        #expect(viaBytes == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nhi\r\n")
    }

    @Test("values encode in RESP2 form, null as a null bulk string")
    func valueEncoding() {
        var buffer = ByteBuffer()
        RESPEncoder.encode(.array([.integer(-5), .null, .simpleString("OK"), .error("ERR x")]), into: &buffer)
        #expect(String(buffer: buffer) == "*4\r\n:-5\r\n$-1\r\n+OK\r\n-ERR x\r\n")
    }

    @Test("accessors interpret replies the way commands need")
    func accessors() {
        let bulk = RESPValue.bulkString(ByteBuffer(string: "12"))
        #expect(bulk.string == "12")
        #expect(bulk.int == 12)
        #expect(bulk.bytes == Array("12".utf8))
        #expect(RESPValue.integer(3).int == 3)
        #expect(RESPValue.integer(3).string == "3")
        #expect(RESPValue.null.isNull)
        #expect(RESPValue.null.string == nil)
        #expect(RESPValue.array([.integer(1)]).array == [.integer(1)])
        #expect(RESPValue.simpleString("OK").array == nil)
        #expect(RESPValue.bulkString(ByteBuffer(bytes: [0xFF, 0xFE])).description == "<2 bytes>")
        #expect(RESPValue.array([.bulkString(ByteBuffer(string: "a")), .null]).description == "[\"a\", (nil)]")
    }
}
