import NIOCore

/// One RESP2 reply (or request) value.
///
/// RESP2 has two spellings of "nothing" (`$-1` and `*-1`); both decode to ``null`` because no
/// command's meaning depends on which one the server chose.
public enum RESPValue: Sendable, Hashable {
    /// `+OK`: a short status line, never binary.
    case simpleString(String)
    /// `-ERR ...`: an error reply. ``RedisConnection/send(command:arguments:)`` throws these as
    /// ``RedisError/server(_:)``; they only appear as values inside pipelines and nested arrays.
    case error(String)
    /// `:42`: a signed 64-bit integer.
    case integer(Int)
    /// `$3\r\nfoo`: a binary-safe string.
    case bulkString(ByteBuffer)
    /// `*2\r\n...`: an ordered list of values, possibly nested.
    case array([RESPValue])
    /// A null bulk string or null array.
    case null
}

extension RESPValue {
    /// The value as UTF-8 text, for simple and bulk strings (and integers, which Redis often
    /// returns where a client expects a number as text); `nil` for anything else.
    public var string: String? {
        switch self {
        case .simpleString(let text): return text
        case .bulkString(let buffer): return String(buffer: buffer)
        case .integer(let number): return String(number)
        case .error, .array, .null: return nil
        }
    }

    /// The raw bytes of a bulk or simple string; `nil` for anything else.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let buffer): return Array(buffer.readableBytesView)
        case .simpleString(let text): return Array(text.utf8)
        case .error, .integer, .array, .null: return nil
        }
    }

    /// The bulk string's buffer without copying; `nil` for anything else.
    public var buffer: ByteBuffer? {
        if case .bulkString(let buffer) = self { return buffer }
        return nil
    }

    /// The value as an integer: an integer reply, or a string that parses as one (some commands,
    /// like `GET` on a counter, return numbers as bulk strings).
    public var int: Int? {
        switch self {
        case .integer(let number): return number
        case .bulkString, .simpleString: return self.string.flatMap { Int($0) }
        case .error, .array, .null: return nil
        }
    }

    /// The elements of an array reply; `nil` for anything else (including a null array).
    public var array: [RESPValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// Whether the server answered with a null bulk string or null array.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension RESPValue: CustomStringConvertible {
    /// A short, human-readable rendering for logs and test failures; bulk strings that are not
    /// valid UTF-8 show their length instead of their bytes.
    public var description: String {
        switch self {
        case .simpleString(let text): return "+\(text)"
        case .error(let message): return "-\(message)"
        case .integer(let number): return ":\(number)"
        case .bulkString(let buffer):
            let text = String(buffer: buffer)
            // Decoding replaces invalid sequences, so a round trip that changes the bytes means binary data.
            guard text.utf8.elementsEqual(buffer.readableBytesView) else { return "<\(buffer.readableBytes) bytes>" }
            return "\"\(text)\""
        case .array(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .null: return "(nil)"
        }
    }
}
