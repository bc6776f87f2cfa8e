import Foundation

/// Expands `${VAR}` and `${VAR:-default}` in configuration values, shell style: the default applies
/// when the variable is unset or empty. `${secret:NAME#key}` and `${secret:NAME}` read from the
/// secrets fetched at boot instead of the environment.
enum Interpolation {
    enum Failure: Error, Equatable {
        case unset(variable: String)
        case unterminated
        case invalidName(String)
        case invalidSecretReference(String)
        case secret(SecretReference, reason: String)
    }

    static func expand(
        _ text: String, variables: [String: String],
        secrets: FetchedSecrets = .none("secret references are resolved only when the configuration is loaded")
    ) -> Result<String, Failure> {
        var output = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            let afterOpen = rest[start.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else { return .failure(.unterminated) }
            let body = afterOpen[..<close]
            rest = afterOpen[afterOpen.index(after: close)...]
            do {
                if let reference = try SecretReference.parse(body) {
                    switch secrets.value(for: reference) {
                    case .success(let value): output += value
                    case .failure(let failure): return .failure(failure)
                    }
                    continue
                }
            } catch {
                return .failure(error)
            }
            let name: Substring
            let fallback: Substring?
            if let separator = body.range(of: ":-") {
                name = body[..<separator.lowerBound]
                fallback = body[separator.upperBound...]
            } else {
                name = body
                fallback = nil
            }
            guard isValidName(name) else { return .failure(.invalidName(String(name))) }
            if let value = variables[String(name)], !value.isEmpty {
                output += value
            } else if let fallback {
                output += fallback
            } else {
                return .failure(.unset(variable: String(name)))
            }
        }
        output += rest
        return .success(output)
    }

    /// Every well-formed secret reference in `text`, so they can be fetched before values are read.
    static func secretReferences(in text: String) -> [SecretReference] {
        var references: [SecretReference] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            let afterOpen = rest[start.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else { break }
            if let reference = try? SecretReference.parse(afterOpen[..<close]) { references.append(reference) }
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        return references
    }

    private static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.first, first == "_" || first.isLetter else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
