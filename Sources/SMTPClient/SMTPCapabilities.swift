/// The extensions a server announced in its `EHLO` reply (`STARTTLS`, `AUTH PLAIN LOGIN`, `SIZE 1000`).
public struct SMTPCapabilities: Sendable, Hashable {
    /// Upper-cased keywords and their parameters.
    public var keywords: [String: [String]]

    /// Reads the `EHLO` reply; its first line is the server's greeting, the rest are extensions.
    public init(ehloReply: SMTPReply) {
        var keywords: [String: [String]] = [:]
        for line in ehloReply.lines.dropFirst() {
            let words = line.split(separator: " ").map(String.init)
            guard let keyword = words.first else { continue }
            keywords[keyword.uppercased()] = Array(words.dropFirst())
        }
        self.keywords = keywords
    }

    /// Whether the server offers `keyword`.
    public func supports(_ keyword: String) -> Bool { keywords[keyword.uppercased()] != nil }

    /// The upper-cased `AUTH` mechanisms offered.
    public var authenticationMechanisms: Set<String> { Set((keywords["AUTH"] ?? []).map { $0.uppercased() }) }

    /// The largest message the server accepts, when it says.
    public var maximumMessageBytes: Int? { keywords["SIZE"]?.first.flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } }
}
