import Foundation
import NIOCore
import Vapor

/// The one input policy for text, applied to every JSON body, form body, query string and path
/// before any handler reads them: control characters (C0 but tab, line feed and carriage return;
/// DEL; C1) and bidirectional overrides are refused with a 400 naming the field. PostgreSQL
/// can't store NUL (it answered 500), and the others forge what names, addresses and emails look
/// like to staff and customers.
enum TextPolicy {
    /// What is wrong with `text`, or nil when it is acceptable.
    static func problem(in text: some StringProtocol) -> String? {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: continue
            case 0x00...0x1F, 0x7F...0x9F:
                return "contains a control character (U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded))"
            case 0x202A...0x202E, 0x2066...0x2069:
                return "contains a bidirectional override (U+\(String(scalar.value, radix: 16, uppercase: true)))"
            default: continue
            }
        }
        return nil
    }

    /// Whether a raw JSON body could hold text the policy refuses: a control byte, DEL, the UTF-8
    /// of a C1 control or a bidirectional override, or any `\u` escape (which can spell them).
    /// False means no string in it can break the policy, so the body needn't be parsed to check.
    static func mayBreakPolicy(json bytes: ByteBufferView) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for byte in bytes {
            switch byte {
            case 0x09, 0x0A, 0x0D: break
            case 0x00...0x1F, 0x7F: return true
            case 0x75 where previous == 0x5C: return true  // \u
            case 0x80...0x9F where previous == 0xC2: return true  // C1 controls
            case 0xAA...0xAE where previous == 0x80 && beforePrevious == 0xE2: return true  // U+202A…202E
            case 0xA6...0xA9 where previous == 0x81 && beforePrevious == 0xE2: return true  // U+2066…2069
            default: break
            }
            // An escaped backslash can't start an escape: `\\u` is a backslash and a `u`.
            beforePrevious = previous
            previous = byte == 0x5C && previous == 0x5C ? 0 : byte
        }
        return false
    }

    /// Throws `InvalidField` when `text` breaks the policy.
    static func check(_ text: some StringProtocol, field: String) throws {
        if let problem = problem(in: text) { throw InvalidField(name: field, problem: problem) }
    }

    /// Checks every key and string of a parsed JSON document, naming fields by their JSON path.
    static func check(json value: Any, path: String = "") throws {
        switch value {
        case let text as String:
            try check(text, field: path.isEmpty ? "body" : path)
        case let object as [String: Any]:
            for (key, member) in object {
                let field = path.isEmpty ? key : "\(path).\(key)"
                try check(key, field: field)
                try check(json: member, path: field)
            }
        case let array as [Any]:
            for (index, element) in array.enumerated() { try check(json: element, path: "\(path)[\(index)]") }
        default:
            return
        }
    }

    /// Checks an `application/x-www-form-urlencoded` body or a query string: every name and value,
    /// after percent-decoding (bytes that aren't UTF-8 are refused too).
    static func check(formEncoded text: String, kind: String = "field") throws {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let rawName = String(parts[0]).replacingOccurrences(of: "+", with: " ")
            guard let name = rawName.removingPercentEncoding else {
                throw InvalidField(name: kind, problem: "has a name that is not valid UTF-8")
            }
            try check(name, field: name.isEmpty ? kind : String(name.prefix(64)))
            guard parts.count == 2 else { continue }
            guard let value = String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                throw InvalidField(name: String(name.prefix(64)), problem: "is not valid UTF-8")
            }
            try check(value, field: String(name.prefix(64)))
        }
    }
}

extension String {
    /// Four hex digits at least, as code points are written.
    fileprivate var leftPadded: String { String(repeating: "0", count: Swift.max(0, 4 - count)) + self }
}

/// Vapor's JSON body decoder behind the text policy: a body that could hold refused text is parsed
/// once more, as plain JSON, and every string in it checked before it is decoded into the route's
/// type.
struct PolicedJSONDecoder: ContentDecoder {
    let base = JSONDecoder.custom(dates: .iso8601)

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        try decode(decodable, from: body, headers: headers, userInfo: [:])
    }

    func decode<D: Decodable>(
        _ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders, userInfo: [CodingUserInfoKey: any Sendable]
    ) throws -> D {
        // Malformed JSON is left to the real decoder, which says where it broke. A body with no
        // byte that could spell refused text (nearly all of them) isn't parsed a second time.
        let parse = {
            try? JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed])
        }
        if TextPolicy.mayBreakPolicy(json: body.readableBytesView), let document = parse() {
            try TextPolicy.check(json: document)
        }
        do {
            return try base.decode(decodable, from: body, headers: headers, userInfo: userInfo)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // Foundation calls a well-formed document "not valid JSON" when a number doesn't fit
            // its field; every number of this API is a whole number within Int64.
            if let document = parse(), let (path, problem) = BodyProblem.unfitNumber(in: document) {
                throw InvalidField(name: path, problem: problem)
            }
            throw DecodingError.dataCorrupted(context)
        }
    }
}

/// The text policy for what every request carries before its body: the path and the query string.
struct TextPolicyMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let path = request.url.path.removingPercentEncoding else {
            throw InvalidParameter(name: "path", problem: "is not valid UTF-8")
        }
        if let problem = TextPolicy.problem(in: path) { throw InvalidParameter(name: "path", problem: problem) }
        if let query = request.url.query {
            do {
                try TextPolicy.check(formEncoded: query, kind: "query")
            } catch let error as InvalidField {
                throw InvalidParameter(name: error.name, problem: error.problem)
            }
        }
        return try await next.respond(to: request)
    }
}

extension ContentConfiguration {
    /// Vapor's defaults with JSON bodies behind the text policy.
    static func mercato() -> ContentConfiguration {
        var configuration = ContentConfiguration.default()
        configuration.use(decoder: PolicedJSONDecoder(), for: .json)
        return configuration
    }
}
