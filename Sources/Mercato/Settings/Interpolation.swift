import Foundation

/// Expands `${VAR}` and `${VAR:-default}` in configuration values, shell style: the default applies
/// when the variable is unset or empty.
enum Interpolation {
    enum Failure: Error, Equatable {
        case unset(variable: String)
        case unterminated
        case invalidName(String)
    }

    static func expand(_ text: String, variables: [String: String]) -> Result<String, Failure> {
        var output = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            let afterOpen = rest[start.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else { return .failure(.unterminated) }
            let body = afterOpen[..<close]
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
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        output += rest
        return .success(output)
    }

    private static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.first, first == "_" || first.isLetter else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
