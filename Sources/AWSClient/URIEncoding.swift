/// Percent-encoding as SigV4 defines it, which is stricter than RFC 3986's "safe" sets and than what
/// Foundation's `addingPercentEncoding` produces: only `A–Z a–z 0–9 - _ . ~` pass through, every other
/// UTF-8 byte becomes `%XX` with uppercase hex, and a space is `%20`, never `+`.
///
/// The same function builds both the bytes that go on the wire and the canonical request, so the two
/// can never disagree about a character.
public enum URIEncoding {
    /// Encodes `value` byte by byte.
    ///
    /// - Parameters:
    ///   - value: The raw, unencoded text.
    ///   - encodeSlash: `false` keeps `/` literal, as an object key's path segments need; `true` encodes it,
    ///     as query names and values need.
    public static func encode(_ value: some StringProtocol, encodeSlash: Bool = true) -> String {
        var output = [UInt8]()
        output.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if isUnreserved(byte) || (byte == UInt8(ascii: "/") && !encodeSlash) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Builds a query string from raw name/value pairs, encoding both sides and sorting by encoded name
    /// and then value, which is the order the canonical request requires.
    ///
    /// Sending the query in this same order means the wire form and the signed form are byte-identical.
    public static func canonicalQuery(_ parameters: [(name: String, value: String)]) -> String {
        parameters
            .map { (name: encode($0.name), value: encode($0.value)) }
            .sorted { lhs, rhs in
                lhs.name == rhs.name
                    ? lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
                    : lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
            }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
