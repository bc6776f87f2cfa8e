/// A `${secret:NAME}` or `${secret:NAME#key}` reference in a configuration value.
///
/// `NAME` is a Secrets Manager secret name or ARN; with `#key` the secret must hold a JSON object and
/// the reference stands for that key's value, without it for the whole secret text.
struct SecretReference: Hashable, Sendable, CustomStringConvertible {
    static let prefix = "secret:"

    var name: String
    var key: String?

    /// Parses the text between `${` and `}`; `nil` when it is not a secret reference at all.
    /// - Throws: `Interpolation.Failure.invalidSecretReference` when it starts with `secret:` but
    ///   names no secret or an empty key.
    static func parse(_ body: Substring) throws(Interpolation.Failure) -> SecretReference? {
        guard body.hasPrefix(prefix) else { return nil }
        let rest = body.dropFirst(prefix.count)
        let name: Substring
        let key: Substring?
        if let hash = rest.firstIndex(of: "#") {
            name = rest[..<hash]
            key = rest[rest.index(after: hash)...]
        } else {
            name = rest
            key = nil
        }
        let validName = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/_+=.@-:".contains($0)) }
        guard !name.isEmpty, validName, key?.isEmpty != true else {
            throw .invalidSecretReference(String(body))
        }
        return SecretReference(name: String(name), key: key.map(String.init))
    }

    /// `${secret:NAME#key}`, as written in the configuration.
    var description: String { "${secret:\(name)\(key.map { "#\($0)" } ?? "")}" }
}
