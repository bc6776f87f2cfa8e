import Foundation
import Testing

/// Reads an RFC 5322 message the way a mail client would, independently of the code that wrote it:
/// unfolds headers, decodes RFC 2047 words, splits `multipart/alternative` and decodes
/// quoted-printable or base64 parts.
struct ParsedEmail {
    var headers: [(name: String, value: String)]
    var textBody: String?
    var htmlBody: String?
    /// The raw message, for checks on the wire format itself.
    var raw: String

    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    init(_ raw: String) throws {
        self.raw = raw
        let (headers, body) = try Self.split(raw)
        self.headers = headers.map { ($0.name, Self.decodeWords($0.value)) }
        let contentType = headers.first { $0.name.lowercased() == "content-type" }?.value ?? "text/plain"
        if contentType.lowercased().hasPrefix("multipart/") {
            let boundary = try #require(Self.parameter("boundary", in: contentType), "no boundary in \(contentType)")
            for part in body.components(separatedBy: "--\(boundary)").dropFirst() {
                guard !part.hasPrefix("--") else { break }
                let (partHeaders, partBody) = try Self.split(String(part.drop { $0 == "\r\n" || $0 == "\n" }))
                let type = partHeaders.first { $0.name.lowercased() == "content-type" }?.value.lowercased() ?? ""
                let encoding =
                    partHeaders.first { $0.name.lowercased() == "content-transfer-encoding" }?.value.lowercased() ?? ""
                let decoded = try Self.decodeBody(partBody, encoding: encoding)
                if type.hasPrefix("text/plain") { textBody = decoded }
                if type.hasPrefix("text/html") { htmlBody = decoded }
            }
        } else {
            let encoding = headers.first { $0.name.lowercased() == "content-transfer-encoding" }?.value ?? ""
            let decoded = try Self.decodeBody(body, encoding: encoding.lowercased())
            if contentType.lowercased().hasPrefix("text/html") { htmlBody = decoded } else { textBody = decoded }
        }
    }

    private static func split(_ text: String) throws -> ([(name: String, value: String)], String) {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        let end = try #require(normalized.range(of: "\n\n"), "no blank line after the headers")
        var headers: [(name: String, value: String)] = []
        for line in normalized[..<end.lowerBound].split(separator: "\n") {
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += String(line)
            } else if let colon = line.firstIndex(of: ":") {
                headers.append(
                    (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        return (headers, String(normalized[end.upperBound...]))
    }

    private static func parameter(_ name: String, in value: String) -> String? {
        for piece in value.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name { return pair[1].trimmingCharacters(in: ["\""]) }
        }
        return nil
    }

    private static func decodeBody(_ body: String, encoding: String) throws -> String {
        var body = body
        while body.hasSuffix("\n") { body.removeLast() }
        switch encoding {
        case "quoted-printable":
            var bytes: [UInt8] = []
            let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() {
                var characters = Array(line.utf8)
                let soft = characters.last == UInt8(ascii: "=")
                if soft { characters.removeLast() }
                var position = 0
                while position < characters.count {
                    if characters[position] == UInt8(ascii: "="), position + 2 < characters.count + 0,
                        let value = UInt8(
                            String(decoding: characters[(position + 1)...(position + 2)], as: UTF8.self), radix: 16)
                    {
                        bytes.append(value)
                        position += 3
                    } else {
                        bytes.append(characters[position])
                        position += 1
                    }
                }
                if !soft, index < lines.count - 1 { bytes.append(0x0A) }
            }
            return String(decoding: bytes, as: UTF8.self)
        case "base64":
            let data = try #require(Data(base64Encoded: body.replacingOccurrences(of: "\n", with: "")))
            return String(decoding: data, as: UTF8.self)
        default:
            return body
        }
    }

    /// `=?UTF-8?B?…?=` and `=?UTF-8?Q?…?=` words; whitespace between adjacent words is dropped.
    static func decodeWords(_ value: String) -> String {
        let pattern = try! NSRegularExpression(pattern: #"=\?([^?]+)\?([BbQq])\?([^?]*)\?="#)
        var output = ""
        var last = value.startIndex
        var previousWasWord = false
        for match in pattern.matches(in: value, range: NSRange(value.startIndex..., in: value)) {
            let range = Range(match.range, in: value)!
            let between = String(value[last..<range.lowerBound])
            if !(previousWasWord && between.allSatisfy(\.isWhitespace)) { output += between }
            let mode = value[Range(match.range(at: 2), in: value)!].uppercased()
            let text = String(value[Range(match.range(at: 3), in: value)!])
            if mode == "B", let data = Data(base64Encoded: text) {
                output += String(decoding: data, as: UTF8.self)
            } else {
                output += text.replacingOccurrences(of: "_", with: " ").removingPercentEncoding(qEncoded: true)
            }
            last = range.upperBound
            previousWasWord = true
        }
        output += value[last...]
        return output
    }
}

extension String {
    fileprivate func removingPercentEncoding(qEncoded: Bool) -> String {
        replacingOccurrences(of: "=", with: "%").removingPercentEncoding ?? self
    }
}
