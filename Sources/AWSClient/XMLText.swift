import Foundation

/// Reads text out of the small, flat XML documents AWS answers with (errors, `CreateAccessKey`
/// results, `ETag`s…).
///
/// A full parser would mean `FoundationXML` and therefore libxml2 at run time on Linux; these documents
/// never nest an element inside one of the same name, so locating the first `<Name>…</Name>` pair and
/// decoding entities is exact for them.
enum XMLText {
    /// The decoded text of the first `<name>…</name>` element, or `nil` if there is none.
    static func firstElement(_ name: String, in document: String) -> String? {
        let open = "<\(name)>"
        let close = "</\(name)>"
        guard let start = document.range(of: open),
            let end = document.range(of: close, range: start.upperBound..<document.endIndex)
        else { return nil }
        return decodeEntities(document[start.upperBound..<end.lowerBound])
    }

    /// The undecoded content of the first `<name>…</name>` element, for reading elements nested in it.
    static func firstElementRaw(_ name: String, in document: String) -> String? {
        let open = "<\(name)>"
        let close = "</\(name)>"
        guard let start = document.range(of: open),
            let end = document.range(of: close, range: start.upperBound..<document.endIndex)
        else { return nil }
        return String(document[start.upperBound..<end.lowerBound])
    }

    /// Replaces the five predefined entities and numeric character references.
    static func decodeEntities(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var output = ""
        var rest = text
        while let ampersand = rest.firstIndex(of: "&") {
            output += rest[..<ampersand]
            guard let semicolon = rest[ampersand...].firstIndex(of: ";") else {
                rest = rest[ampersand...]
                break
            }
            let entity = rest[rest.index(after: ampersand)..<semicolon]
            if let decoded = decodeEntity(entity) {
                output += decoded
            } else {
                output += rest[ampersand...semicolon]
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return output + rest
    }

    /// Escapes text for use inside an element.
    static func escape(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            default: output.append(character)
            }
        }
        return output
    }

    private static func decodeEntity(_ entity: Substring) -> String? {
        switch entity {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            let scalarValue: UInt32?
            if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                scalarValue = UInt32(entity.dropFirst(2), radix: 16)
            } else if entity.hasPrefix("#") {
                scalarValue = UInt32(entity.dropFirst(), radix: 10)
            } else {
                scalarValue = nil
            }
            return scalarValue.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
    }
}
