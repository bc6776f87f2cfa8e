/// The parameters of one Stripe request, encoded the way Stripe reads them: an
/// `application/x-www-form-urlencoded` body (or query string) in which nested values use bracketed
/// keys — `metadata[order_id]=…`, `card[number]=…`, `payment_method_types[0]=card`.
///
/// Fields keep the order they were added in, and dictionaries are added in key order, so the same
/// call always produces the same bytes (which keeps idempotent retries byte-identical).
public struct StripeForm: Sendable, Hashable {
    /// One `name=value` pair before percent-encoding.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    /// The fields in sending order.
    public private(set) var fields: [Field] = []

    /// An empty form.
    public init() {}

    /// Whether nothing was added: such a request is sent without a body.
    public var isEmpty: Bool { fields.isEmpty }

    /// Adds `name=value`; a nil value adds nothing, so optional parameters can be passed straight through.
    public mutating func add(_ name: String, _ value: String?) {
        guard let value else { return }
        fields.append(Field(name: name, value: value))
    }

    /// Adds an integer (amounts are minor units, never decimals).
    public mutating func add(_ name: String, _ value: Int64?) {
        add(name, value.map { String($0) })
    }

    /// Adds a boolean as `true` / `false`.
    public mutating func add(_ name: String, _ value: Bool?) {
        add(name, value.map { $0 ? "true" : "false" })
    }

    /// Adds a dictionary as `name[key]=value` for each key, in key order.
    public mutating func add(_ name: String, dictionary: [String: String]) {
        for key in dictionary.keys.sorted() {
            add("\(name)[\(key)]", dictionary[key])
        }
    }

    /// Adds a list as `name[0]=…`, `name[1]=…`: indexed, because Stripe reads `name[]` ambiguously
    /// inside nested objects.
    public mutating func add(_ name: String, list: [String]) {
        for (index, value) in list.enumerated() {
            add("\(name)[\(index)]", value)
        }
    }

    /// The percent-encoded form: names keep their brackets literal (as in Stripe's documentation),
    /// everything else outside the unreserved characters is `%XX`-escaped, including `&`, `=`, `+`
    /// and brackets inside values.
    public var encoded: String {
        fields.map { Self.escape($0.name, keepBrackets: true) + "=" + Self.escape($0.value, keepBrackets: false) }
            .joined(separator: "&")
    }

    static func escape(_ text: String, keepBrackets: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "[") where keepBrackets, UInt8(ascii: "]") where keepBrackets:
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + hexDigits[Int(byte >> 4)] + hexDigits[Int(byte & 0x0F)]
            }
        }
        return result
    }

    private static let hexDigits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
}
