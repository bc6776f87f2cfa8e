import Crypto
import Foundation
import Yams

/// The Store API's OpenAPI document: the YAML as written in `Resources/OpenAPI/openapi.yaml`, and
/// the same document as JSON, converted once when the application boots.
struct OpenAPIDocument: Sendable {
    /// Where the document lives, relative to the working directory (like `Resources/Views`).
    static let relativePath = "OpenAPI/openapi.yaml"

    var yaml: Data
    var json: Data
    /// Strong validators of the two bodies.
    var yamlETag: String
    var jsonETag: String

    init(yaml text: String) throws {
        yaml = Data(text.utf8)
        guard let root = try Yams.compose(yaml: text) else { throw OpenAPIDocumentError("the document is empty") }
        guard case .mapping = root else { throw OpenAPIDocumentError("the document is not a mapping") }
        var output = ""
        try Self.writeJSON(root, to: &output)
        json = Data(output.utf8)
        yamlETag = Self.etag(of: yaml)
        jsonETag = Self.etag(of: json)
    }

    /// Reads the document from the resources directory (`<working directory>/Resources/`).
    /// - Throws: `OpenAPIDocumentError` naming the file when it is missing or not valid YAML.
    static func load(resourcesDirectory: String) throws -> OpenAPIDocument {
        let path = URL(fileURLWithPath: resourcesDirectory).appendingPathComponent(relativePath).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OpenAPIDocumentError("\(path) not found; run from the repository root or copy Resources/")
        }
        do {
            return try OpenAPIDocument(yaml: String(decoding: data, as: UTF8.self))
        } catch let error as OpenAPIDocumentError {
            throw OpenAPIDocumentError("\(path): \(error.description)")
        } catch {
            throw OpenAPIDocumentError("\(path): malformed YAML: \(error)")
        }
    }

    private static func etag(of data: Data) -> String {
        "\"" + SHA256.hash(data: data).prefix(16).hexString + "\""
    }

    /// JSON in the YAML's own key order, so tools listing operations show them as written.
    private static func writeJSON(_ node: Node, to output: inout String) throws {
        switch node {
        case .mapping(let mapping):
            output += "{"
            for (index, (key, value)) in mapping.enumerated() {
                guard case .scalar(let scalar) = key else {
                    throw OpenAPIDocumentError("line \(key.mark?.line ?? 0): mapping keys must be plain scalars")
                }
                if index > 0 { output += "," }
                writeString(scalar.string, to: &output)
                output += ":"
                try writeJSON(value, to: &output)
            }
            output += "}"
        case .sequence(let sequence):
            output += "["
            for (index, element) in sequence.enumerated() {
                if index > 0 { output += "," }
                try writeJSON(element, to: &output)
            }
            output += "]"
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.description) {
            case .null: output += "null"
            case .bool: output += node.bool == true ? "true" : "false"
            case .int:
                guard let value = node.int else {
                    throw OpenAPIDocumentError("line \(node.mark?.line ?? 0): integer out of range")
                }
                output += String(value)
            case .float:
                guard let value = node.float, value.isFinite else {
                    throw OpenAPIDocumentError("line \(node.mark?.line ?? 0): numbers must be finite")
                }
                output += String(value)
            default: writeString(scalar.string, to: &output)
            }
        case .alias:
            throw OpenAPIDocumentError("line \(node.mark?.line ?? 0): unresolved YAML alias")
        }
    }

    private static func writeString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

struct OpenAPIDocumentError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
