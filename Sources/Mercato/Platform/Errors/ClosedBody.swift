import Foundation

/// Any key of a JSON object, for seeing which ones a body sent.
private struct AnyFieldKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// The object's container, once it is clear the object has no field outside `Key`: the OpenAPI
    /// document closes these objects, and a misspelt field (`compareAt` for `compareAtPrice`) is a
    /// 400 naming it rather than a change silently not made.
    func closedContainer<Key: CodingKey & CaseIterable>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let known = Set(Key.allCases.map(\.stringValue))
        let sent = try container(keyedBy: AnyFieldKey.self).allKeys.map(\.stringValue)
        if let unknown = sent.sorted().first(where: { !known.contains($0) }) {
            var path = ""
            for key in codingPath {
                if let index = key.intValue {
                    path += "[\(index)]"
                } else {
                    path += (path.isEmpty ? "" : ".") + key.stringValue
                }
            }
            throw InvalidField(name: path.isEmpty ? unknown : path + "." + unknown, problem: "is not a field here")
        }
        return try container(keyedBy: type)
    }
}
