/// One complete server reply: a three-digit code and the text of each of its lines.
///
/// A multi-line reply (`250-first`, `250-second`, `250 last`) arrives as one value whose ``lines``
/// hold the texts without the code and separator.
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    /// The reply code, such as 250 or 535.
    public var code: Int
    /// The text after the code on each line.
    public var lines: [String]

    /// Creates a reply.
    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// All lines joined with spaces, for error messages and logs.
    public var text: String { lines.joined(separator: " ") }

    /// 2xx: the command succeeded.
    public var isPositiveCompletion: Bool { (200..<300).contains(code) }
    /// 3xx: the server waits for more (the message after `DATA`, the next `AUTH` step).
    public var isPositiveIntermediate: Bool { (300..<400).contains(code) }
    /// 4xx: the server refused for now; the same command may succeed later.
    public var isTransientFailure: Bool { (400..<500).contains(code) }

    /// `550 mailbox unavailable`.
    public var description: String { "\(code) \(text)" }
}
