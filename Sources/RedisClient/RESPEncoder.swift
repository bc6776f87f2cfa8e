import NIOCore

/// Writes RESP2 frames.
///
/// Requests always go out as arrays of bulk strings (the only request form Redis accepts for
/// binary data); ``encode(_:into:)`` writes any value, which the tests use to build replies.
public enum RESPEncoder {
    /// Appends `command` as an array of bulk strings: the name followed by each argument.
    public static func encode(_ command: RedisCommand, into buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: estimatedSize(of: command))
        writeHeader(UInt8(ascii: "*"), command.arguments.count + 1, into: &buffer)
        writeBulk(RedisArgument(command.name), into: &buffer)
        for argument in command.arguments {
            writeBulk(argument, into: &buffer)
        }
    }

    /// Appends `value` in its RESP2 form; ``RESPValue/null`` is written as a null bulk string.
    public static func encode(_ value: RESPValue, into buffer: inout ByteBuffer) {
        switch value {
        case .simpleString(let text):
            buffer.writeInteger(UInt8(ascii: "+"))
            buffer.writeString(text)
            buffer.writeStaticString("\r\n")
        case .error(let message):
            buffer.writeInteger(UInt8(ascii: "-"))
            buffer.writeString(message)
            buffer.writeStaticString("\r\n")
        case .integer(let number):
            writeHeader(UInt8(ascii: ":"), number, into: &buffer)
        case .bulkString(let bytes):
            writeBulk(RedisArgument(bytes), into: &buffer)
        case .array(let values):
            writeHeader(UInt8(ascii: "*"), values.count, into: &buffer)
            for element in values {
                encode(element, into: &buffer)
            }
        case .null:
            buffer.writeStaticString("$-1\r\n")
        }
    }

    private static func writeBulk(_ argument: RedisArgument, into buffer: inout ByteBuffer) {
        writeHeader(UInt8(ascii: "$"), argument.byteCount, into: &buffer)
        argument.write(into: &buffer)
        buffer.writeStaticString("\r\n")
    }

    private static func writeHeader(_ marker: UInt8, _ number: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(marker)
        buffer.writeString(String(number))
        buffer.writeStaticString("\r\n")
    }

    // One reservation up front avoids repeated reallocations when a value is megabytes long.
    private static func estimatedSize(of command: RedisCommand) -> Int {
        let perArgumentOverhead = 16  // "$" + length digits + two CRLFs
        return command.arguments.reduce(command.name.utf8.count + 2 * perArgumentOverhead) {
            $0 + $1.byteCount + perArgumentOverhead
        }
    }
}
