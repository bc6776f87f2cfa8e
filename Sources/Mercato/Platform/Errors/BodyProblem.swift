import Foundation

/// What was wrong with a request body, in the client's terms: the field's JSON path and what it
/// should have been ("a whole number", "out of range"), never a Swift type name.
enum BodyProblem {
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is required"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(kind(of: type)), not null"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(kind(of: type))"
        case .dataCorrupted(let context):
            let detail = context.debugDescription
            if context.codingPath.isEmpty {
                return "the request body is not valid JSON"
            }
            if ["does not fit", "out of range", "overflow", "not representable"].contains(where: detail.contains) {
                return "\(path(context.codingPath)) is out of range"
            }
            return "\(path(context.codingPath)) has an invalid value"
        @unknown default:
            return "the request body could not be read"
        }
    }

    /// The first number in a parsed document that no field of this API can hold (every one is a
    /// whole number within Int64), with what is wrong with it.
    static func unfitNumber(in value: Any, path: String = "") -> (String, String)? {
        switch value {
        // JSON's true and false arrive as a boolean subclass of NSNumber.
        case let number as NSNumber where !String(describing: type(of: number)).contains("Boolean"):
            let text = number.stringValue
            guard Int64(text) == nil else { return nil }
            let whole = !text.contains(".") && !text.lowercased().contains("e")
            return (path.isEmpty ? "body" : path, whole ? "is out of range" : "must be a whole number")
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                if let found = unfitNumber(in: object[key] as Any, path: path.isEmpty ? key : "\(path).\(key)") {
                    return found
                }
            }
            return nil
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = unfitNumber(in: element, path: "\(path)[\(index)]") { return found }
            }
            return nil
        default:
            return nil
        }
    }

    /// `shippingAddress.line1`, `weightBands[0].amount`; `body` for the whole document.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "body" : text
    }

    /// The JSON kind a Swift type is read from.
    static func kind(of type: Any.Type) -> String {
        switch type {
        case is String.Type, is UUID.Type, is Substring.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type: "a whole number"
        case is Double.Type, is Float.Type, is Decimal.Type: "a number"
        case is Date.Type: "a date (ISO 8601)"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
