import Foundation

/// A setting after overrides and interpolation, as `mercato config print` shows it.
public struct ResolvedSetting: Sendable, Equatable {
    public var key: String
    public var value: String
    /// Passwords, keys and tokens: printed redacted, never logged.
    public var isSecret: Bool
    /// `config/staging.yaml:7`, `environment variable MERCATO_SERVER_PORT` or `default`.
    public var source: String
}

/// Reads typed values out of the flat configuration, applying `MERCATO_…` overrides and `${VAR}`
/// interpolation, and collects every problem instead of stopping at the first.
struct SettingsReader {
    private let entries: [String: ConfigEntry]
    private let variables: [String: String]
    private let secrets: FetchedSecrets
    private var consumed: Set<String> = []
    private(set) var problems: [SettingsProblem] = []
    private(set) var resolved: [ResolvedSetting] = []

    init(
        entries: [String: ConfigEntry], variables: [String: String],
        secrets: FetchedSecrets = .none("no secret store was consulted")
    ) {
        self.entries = entries
        self.variables = variables
        self.secrets = secrets
    }

    /// The override variable for a key: `database.maxConnections` → `MERCATO_DATABASE_MAX_CONNECTIONS`.
    /// An acronym stays one word: `server.baseURL` → `MERCATO_SERVER_BASE_URL` (not `BASE_U_R_L`).
    static func variableName(for key: String) -> String {
        let parts = key.split(separator: ".").map { part in
            let characters = Array(part)
            var snake = ""
            for (index, character) in characters.enumerated() {
                let previous = index > 0 ? characters[index - 1] : nil
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                // A word starts at an upper-case letter after a lower-case one, or at the last
                // capital of an acronym that is followed by a lower-case letter (`URLPath`).
                let startsWord =
                    character.isUppercase && previous != nil
                    && (previous?.isUppercase == false || next?.isLowercase == true)
                if startsWord { snake.append("_") }
                snake.append(contentsOf: character.uppercased())
            }
            return snake
        }
        return (["MERCATO"] + parts).joined(separator: "_")
    }

    /// The configuration file's keys below `prefix` (`features`), for open-ended sections.
    func keys(under prefix: String) -> [String] {
        entries.keys.filter { $0.hasPrefix(prefix + ".") }.sorted()
    }

    mutating func text(_ key: String, default fallback: String? = nil, secret: Bool = false) -> String? {
        consumed.insert(key)
        let variable = Self.variableName(for: key)
        let raw: ConfigEntry? =
            if let value = variables[variable], !value.isEmpty {
                ConfigEntry(raw: value, location: "environment variable \(variable)")
            } else {
                entries[key]
            }
        guard let raw else {
            record(key, fallback, secret: secret, source: "default")
            return fallback
        }
        // A value built from a secret is a secret, whatever its key is called.
        let references = Interpolation.secretReferences(in: raw.raw)
        let secret = secret || !references.isEmpty
        let source =
            references.isEmpty
            ? raw.location : raw.location + " via " + Set(references.map(\.name)).sorted().joined(separator: ", ")
        switch Interpolation.expand(raw.raw, variables: variables, secrets: secrets) {
        case .success(let value) where value.isEmpty:
            record(key, fallback, secret: secret, source: source)
            return fallback
        case .success(let value):
            record(key, value, secret: secret, source: source)
            return value
        case .failure(.unset(let name)):
            fail(key, "${\(name)} is not set and has no default; set \(name) or \(variable)", at: raw.location)
        case .failure(.unterminated):
            fail(key, "'${' without a closing '}'", at: raw.location)
        case .failure(.invalidName(let name)):
            fail(key, "'\(name)' is not a valid variable name in ${…}", at: raw.location)
        case .failure(.invalidSecretReference(let body)):
            fail(
                key, "'${\(body)}' is not a secret reference; write ${secret:NAME} or ${secret:NAME#key}",
                at: raw.location)
        case .failure(.secret(let reference, let reason)):
            fail(key, "\(reference): \(reason)", at: raw.location, secret: reference.name)
        }
        return fallback
    }

    mutating func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
        guard let value = text(key) else { return fallback }
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)) else {
            fail(key, "'\(value)' is not a number; set a whole number or \(Self.variableName(for: key))")
            return fallback
        }
        guard range.contains(number) else {
            fail(key, "\(number) is out of range \(range.lowerBound)–\(range.upperBound)")
            return fallback
        }
        return number
    }

    mutating func boolean(_ key: String, default fallback: Bool) -> Bool {
        guard let value = text(key) else { return fallback }
        switch value.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            fail(key, "'\(value)' is not true or false")
            return fallback
        }
    }

    mutating func choice<Choice>(_ key: String, default fallback: Choice) -> Choice
    where Choice: RawRepresentable<String> & CaseIterable {
        guard let value = text(key) else { return fallback }
        guard let choice = Choice(rawValue: value.lowercased()) else {
            let known = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            fail(key, "unknown value '\(value)'; expected one of \(known)")
            return fallback
        }
        return choice
    }

    /// Records a problem with a key that was read, naming its source and override variable.
    mutating func fail(_ key: String, _ message: String, at location: String? = nil, secret: String? = nil) {
        let source = location ?? resolved.last(where: { $0.key == key })?.source
        let variable = Self.variableName(for: key)
        let place = [source, source?.contains(variable) == true ? nil : "override with \(variable)"]
            .compactMap { $0 }.joined(separator: "; ")
        var problem = SettingsProblem(key: key, message: message, location: place)
        problem.secret = secret
        problems.append(problem)
    }

    /// Keys in the file that nothing read: almost always a typo that would otherwise be ignored.
    mutating func reportUnknownKeys() {
        for key in entries.keys.sorted() where !consumed.contains(key) {
            problems.append(SettingsProblem(key: key, message: "unknown setting", location: entries[key]?.location))
        }
    }

    private mutating func record(_ key: String, _ value: String?, secret: Bool, source: String) {
        resolved.removeAll { $0.key == key }
        let isSecret = secret || Self.looksSecret(key)
        resolved.append(ResolvedSetting(key: key, value: value ?? "", isSecret: isSecret, source: source))
    }

    /// Keys named like credentials are redacted even if a later issue forgets to mark them.
    static func looksSecret(_ key: String) -> Bool {
        let leaf = key.split(separator: ".").last.map { $0.lowercased() } ?? ""
        return ["password", "secret", "token", "apikey", "key", "credentials"].contains { leaf.hasSuffix($0) }
    }
}
