import NIOCore

/// One binary-safe argument of a command: text, raw bytes, a `ByteBuffer` or a number.
///
/// Every argument travels as a RESP bulk string, so bytes are sent exactly as given (no encoding,
/// no escaping). String and integer literals convert implicitly: `send(command: "SET", arguments: ["k", 1])`.
public struct RedisArgument: Sendable, Hashable {
    // Kept in the caller's form so encoding writes the bytes once, straight into the outgoing buffer.
    enum Storage: Sendable, Hashable {
        case string(String)
        case bytes([UInt8])
        case buffer(ByteBuffer)
    }

    let storage: Storage

    /// An argument holding the UTF-8 bytes of `string`.
    public init(_ string: String) { self.storage = .string(string) }

    /// An argument holding `bytes` verbatim.
    public init(_ bytes: [UInt8]) { self.storage = .bytes(bytes) }

    /// An argument holding the readable bytes of `buffer` verbatim.
    public init(_ buffer: ByteBuffer) { self.storage = .buffer(buffer) }

    /// An argument holding the decimal text of `number`, as Redis expects for counts and amounts.
    public init(_ number: some BinaryInteger) { self.storage = .string(String(number)) }

    /// An argument holding `text` as UTF-8.
    public static func string(_ text: String) -> RedisArgument { RedisArgument(text) }

    /// An argument holding `bytes` verbatim.
    public static func bytes(_ bytes: [UInt8]) -> RedisArgument { RedisArgument(bytes) }

    /// An argument holding the readable bytes of `buffer` verbatim.
    public static func buffer(_ buffer: ByteBuffer) -> RedisArgument { RedisArgument(buffer) }

    /// The number of bytes this argument puts on the wire, for the bulk string's length prefix.
    var byteCount: Int {
        switch storage {
        case .string(let text): return text.utf8.count
        case .bytes(let bytes): return bytes.count
        case .buffer(let buffer): return buffer.readableBytes
        }
    }

    /// The argument's bytes, for the cluster client to hash a key argument.
    var bytes: [UInt8] {
        switch storage {
        case .string(let text): return Array(text.utf8)
        case .bytes(let bytes): return bytes
        case .buffer(let buffer): return Array(buffer.readableBytesView)
        }
    }

    func write(into buffer: inout ByteBuffer) {
        switch storage {
        case .string(let text): buffer.writeString(text)
        case .bytes(let bytes): buffer.writeBytes(bytes)
        case .buffer(let value): buffer.writeImmutableBuffer(value)
        }
    }
}

extension RedisArgument: ExpressibleByStringLiteral {
    /// Lets commands be written with plain string literals.
    public init(stringLiteral value: String) { self.init(value) }
}

extension RedisArgument: ExpressibleByIntegerLiteral {
    /// Lets counts and amounts be written as integer literals.
    public init(integerLiteral value: Int) { self.init(value) }
}

/// A type that can be sent as a command argument, so the convenience commands accept `String`,
/// `[UInt8]`, `ByteBuffer` and integers without overloads for each.
public protocol RedisArgumentConvertible: Sendable {
    /// The value as a binary-safe argument.
    var redisArgument: RedisArgument { get }
}

extension RedisArgument: RedisArgumentConvertible {
    /// The argument itself.
    public var redisArgument: RedisArgument { self }
}

extension String: RedisArgumentConvertible {
    /// The string's UTF-8 bytes.
    public var redisArgument: RedisArgument { RedisArgument(self) }
}

extension Substring: RedisArgumentConvertible {
    /// The substring's UTF-8 bytes.
    public var redisArgument: RedisArgument { RedisArgument(String(self)) }
}

extension Array: RedisArgumentConvertible where Element == UInt8 {
    /// The bytes verbatim.
    public var redisArgument: RedisArgument { RedisArgument(self) }
}

extension ByteBuffer: RedisArgumentConvertible {
    /// The readable bytes verbatim.
    public var redisArgument: RedisArgument { RedisArgument(self) }
}

extension Int: RedisArgumentConvertible {
    /// The decimal text of the number.
    public var redisArgument: RedisArgument { RedisArgument(self) }
}

extension Int64: RedisArgumentConvertible {
    /// The decimal text of the number.
    public var redisArgument: RedisArgument { RedisArgument(self) }
}

/// One command with its arguments, for ``RedisCommandExecutor/pipeline(_:)``.
public struct RedisCommand: Sendable, Hashable {
    /// The command name, e.g. `"SET"`; multi-word commands put the second word in ``arguments``.
    public var name: String
    /// The arguments after the name, each sent as a bulk string.
    public var arguments: [RedisArgument]

    /// A command named `name` with `arguments`.
    public init(_ name: String, arguments: [RedisArgument] = []) {
        self.name = name
        self.arguments = arguments
    }

    /// A command named `name` with `arguments`, written inline: `RedisCommand("INCR", "hits")`.
    public init(_ name: String, _ arguments: RedisArgument...) {
        self.init(name, arguments: arguments)
    }
}
