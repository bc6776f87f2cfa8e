import Foundation

/// Validates JSON against the subset of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that our
/// document is written in. A keyword outside the subset is reported as a problem rather than
/// ignored, so a check can never pass by not understanding the schema.
///
/// It also records which properties of which component schemas real responses contained, so a
/// test can show that every documented field is one the server actually sends.
struct SchemaValidator {
    /// Keywords that constrain instances and are checked here.
    static let assertions: Set<String> = [
        "$ref", "type", "properties", "required", "additionalProperties", "items", "enum", "const", "minimum",
        "maximum", "minLength", "maxLength", "pattern", "allOf",
    ]
    /// Keywords that only annotate.
    static let annotations: Set<String> = ["description", "format", "default", "example", "examples", "title"]

    let document: JSONValue
    /// `Schema.property` for every property seen in a validated instance.
    private(set) var seenProperties: Set<String> = []

    init(document: JSONValue) {
        self.document = document
    }

    /// Problems found, each with the JSON path of the offending value; empty when valid.
    mutating func validate(_ instance: JSONValue, against schema: JSONValue, name: String = "") -> [String] {
        var problems: [String] = []
        check(instance, schema, name: name, path: "$", problems: &problems)
        return problems
    }

    /// Follows a local `$ref` such as `#/components/schemas/Money`.
    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: JSONValue? = document
        for part in reference.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key]
        }
        return node
    }

    private mutating func check(
        _ instance: JSONValue, _ schema: JSONValue, name: String, path: String, problems: inout [String]
    ) {
        guard let keywords = schema.object else {
            if schema.bool == false { problems.append("\(path): not allowed") }
            return
        }
        for keyword in keywords.keys where !Self.assertions.contains(keyword) && !Self.annotations.contains(keyword) {
            problems.append("\(path): schema keyword '\(keyword)' is not supported by this validator")
        }
        if let reference = keywords["$ref"]?.string {
            guard let target = resolve(reference) else {
                problems.append("\(path): unresolvable $ref \(reference)")
                return
            }
            let targetName = String(reference.split(separator: "/").last ?? "")
            check(instance, target, name: targetName, path: path, problems: &problems)
        }
        for part in keywords["allOf"]?.array ?? [] {
            check(instance, part, name: name, path: path, problems: &problems)
        }
        if let type = keywords["type"] {
            let allowed = Set(type.array?.compactMap(\.string) ?? type.string.map { [$0] } ?? [])
            if allowed.isDisjoint(with: instance.typeNames) {
                problems.append("\(path): \(instance) is not of type \(allowed.sorted().joined(separator: " or "))")
                return
            }
        }
        if let values = keywords["enum"]?.array, !values.contains(instance) {
            problems.append("\(path): \(instance) is not one of \(values)")
        }
        if let value = keywords["const"], value != instance {
            problems.append("\(path): \(instance) is not \(value)")
        }
        checkNumber(instance, keywords, path: path, problems: &problems)
        checkString(instance, keywords, path: path, problems: &problems)
        if case .array(let elements) = instance, let items = keywords["items"] {
            for (index, element) in elements.enumerated() {
                check(element, items, name: name, path: "\(path)[\(index)]", problems: &problems)
            }
        }
        if case .object(let members) = instance {
            checkObject(members, keywords, name: name, path: path, problems: &problems)
        }
    }

    private func checkNumber(
        _ instance: JSONValue, _ keywords: [String: JSONValue], path: String, problems: inout [String]
    ) {
        let value: Double
        switch instance {
        case .integer(let integer): value = Double(integer)
        case .number(let number): value = number
        default: return
        }
        if let minimum = keywords["minimum"].flatMap(Self.number), value < minimum {
            problems.append("\(path): \(instance) is below the minimum \(minimum)")
        }
        if let maximum = keywords["maximum"].flatMap(Self.number), value > maximum {
            problems.append("\(path): \(instance) is above the maximum \(maximum)")
        }
    }

    private func checkString(
        _ instance: JSONValue, _ keywords: [String: JSONValue], path: String, problems: inout [String]
    ) {
        guard case .string(let text) = instance else { return }
        let length = text.unicodeScalars.count
        if let minimum = keywords["minLength"]?.integer, length < minimum {
            problems.append("\(path): \(instance) is shorter than \(minimum)")
        }
        if let maximum = keywords["maxLength"]?.integer, length > maximum {
            problems.append("\(path): \(instance) is longer than \(maximum)")
        }
        if let pattern = keywords["pattern"]?.string {
            if let regex = try? Regex(pattern) {
                if (try? regex.firstMatch(in: text)) == nil {
                    problems.append("\(path): \(instance) does not match \(pattern)")
                }
            } else {
                problems.append("\(path): pattern \(pattern) does not compile")
            }
        }
    }

    private mutating func checkObject(
        _ members: [String: JSONValue], _ keywords: [String: JSONValue], name: String, path: String,
        problems: inout [String]
    ) {
        for key in keywords["required"]?.array?.compactMap(\.string) ?? [] where members[key] == nil {
            problems.append("\(path): required key '\(key)' is missing")
        }
        let properties = keywords["properties"]?.object ?? [:]
        for (key, value) in members.sorted(by: { $0.key < $1.key }) {
            if let property = properties[key] {
                seenProperties.insert("\(name).\(key)")
                check(value, property, name: "\(name).\(key)", path: "\(path).\(key)", problems: &problems)
            } else if let additional = keywords["additionalProperties"] {
                if additional.bool == false {
                    problems.append("\(path): key '\(key)' is not allowed by the schema")
                } else {
                    check(value, additional, name: "\(name).*", path: "\(path).\(key)", problems: &problems)
                }
            }
        }
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let integer): Double(integer)
        case .number(let number): number
        default: nil
        }
    }
}
