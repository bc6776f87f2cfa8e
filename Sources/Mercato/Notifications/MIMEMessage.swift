import Foundation

/// Renders an ``EmailMessage`` as an RFC 5322 message: `multipart/alternative` with the text part
/// first and the HTML part last (the one clients prefer), both UTF-8 in quoted-printable so the
/// file stays readable, and non-ASCII header text as RFC 2047 encoded words.
///
/// Every line ends in CRLF and stays within 76 characters, so the result can go to SMTP, to SES as a
/// raw message, or to disk as an `.eml` file unchanged.
struct MIMEMessage: Sendable {
    var messageID: String
    var bytes: [UInt8]

    /// - Throws: ``MailerError/invalidMessage(_:)`` for malformed addresses or a line break in the subject.
    init(_ message: EmailMessage, date: Date = Date(), messageID: String? = nil, boundary: String? = nil) throws {
        let from = try EmailAddress(parsing: message.from, field: "from")
        let to = try EmailAddress(parsing: message.to, field: "to")
        let replyTo = try message.replyTo.map { try EmailAddress(parsing: $0, field: "replyTo") }
        guard !message.subject.contains(where: { $0.isNewline }) else {
            throw MailerError.invalidMessage("the subject must not contain line breaks")
        }
        let id = messageID ?? "<\(UUID().uuidString.lowercased())@\(from.domain)>"
        let boundary = boundary ?? "=_mercato_\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"

        var lines: [String] = []
        lines.append(Self.header("Date", Self.dateFormatter.string(from: date)))
        lines.append(Self.header("From", Self.mailbox(from)))
        lines.append(Self.header("To", Self.mailbox(to)))
        if let replyTo { lines.append(Self.header("Reply-To", Self.mailbox(replyTo))) }
        lines.append(Self.header("Message-ID", id))
        lines.append(Self.header("Subject", Self.headerText(message.subject, prefixLength: "Subject: ".count)))
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
        lines.append("")
        lines.append("This is a multi-part message in MIME format.")
        for (subtype, body) in [("plain", message.textBody), ("html", message.htmlBody)] {
            lines.append("")
            lines.append("--\(boundary)")
            lines.append("Content-Type: text/\(subtype); charset=UTF-8")
            lines.append("Content-Transfer-Encoding: quoted-printable")
            lines.append("")
            lines.append(QuotedPrintable.encode(body))
        }
        lines.append("")
        lines.append("--\(boundary)--")
        lines.append("")
        self.messageID = id
        self.bytes = Array(lines.joined(separator: "\r\n").utf8)
    }

    private static func header(_ name: String, _ value: String) -> String { "\(name): \(value)" }

    /// `Name <address>`, quoting or encoding the name as its characters require.
    static func mailbox(_ mailbox: EmailAddress) -> String {
        guard let name = mailbox.name else { return mailbox.address }
        let isPlainASCII = name.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }
        let needsQuoting = name.contains { "()<>[]:;@\\,.\"".contains($0) }
        let display: String
        if !isPlainASCII {
            display = EncodedWord.encode(name, firstLineRoom: 60)
        } else if needsQuoting {
            display =
                "\""
                + name.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"") + "\""
        } else {
            display = name
        }
        return "\(display) <\(mailbox.address)>"
    }

    /// Plain ASCII text as it is (folded at spaces when long); anything else as encoded words.
    static func headerText(_ text: String, prefixLength: Int) -> String {
        let isPlainASCII = text.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }
        guard isPlainASCII, !text.contains("=?") else {
            return EncodedWord.encode(text, firstLineRoom: 76 - prefixLength)
        }
        var folded = ""
        var lineLength = prefixLength
        for (index, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if index > 0 {
                if lineLength + 1 + word.count > 78 {
                    folded += "\r\n "
                    lineLength = 1
                } else {
                    folded += " "
                    lineLength += 1
                }
            }
            folded += word
            lineLength += word.count
        }
        return folded
    }

    /// RFC 5322 `Date`: `Thu, 26 Nov 2026 21:00:56 +0000`.
    static let dateFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter
    }()
}

/// RFC 2047 `=?UTF-8?B?…?=` words, split between characters so no word breaks a UTF-8 sequence.
enum EncodedWord {
    static func encode(_ text: String, firstLineRoom: Int) -> String {
        let overhead = "=?UTF-8?B??=".count
        var words: [String] = []
        var chunk: [UInt8] = []
        var room = max(firstLineRoom, 24)
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
            chunk = []
            room = 75
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if overhead + (chunk.count + bytes.count + 2) / 3 * 4 > room { flush() }
            chunk += bytes
        }
        flush()
        return words.joined(separator: "\r\n ")
    }
}

/// RFC 2045 quoted-printable with CRLF line ends and soft breaks before column 76.
enum QuotedPrintable {
    static func encode(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return normalized.split(separator: "\n", omittingEmptySubsequences: false).map(encodeLine)
            .joined(separator: "\r\n")
    }

    private static func encodeLine(_ line: Substring) -> String {
        let bytes = Array(line.utf8)
        var output = ""
        var lineLength = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let literal =
                (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                || ((byte == 0x20 || byte == 0x09) && !isLast)
            let token = literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
            // Leave room for the `=` of a soft break unless this token ends the line.
            let limit = isLast ? 76 : 75
            if lineLength + token.count > limit {
                output += "=\r\n"
                lineLength = 0
            }
            output += token
            lineLength += token.count
        }
        return output
    }
}
