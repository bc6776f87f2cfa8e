/// One thing wrong with the configuration, named by its key so an operator can find and fix it.
public struct SettingsProblem: Sendable, Equatable, CustomStringConvertible {
    /// The dotted configuration key (`database.port`) or the flag/variable the value came from.
    public var key: String
    /// What is wrong and, where it helps, which variable to set.
    public var message: String
    /// Where the value was read: `config/production.yaml:12` or `environment variable MERCATO_X`.
    public var location: String?
    /// The secret a `${secret:…}` reference named, when the problem is that it could not be resolved.
    public var secret: String?

    public init(key: String, message: String, location: String? = nil) {
        self.key = key
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(key): \(message) (\(location))" }
        return "\(key): \(message)"
    }
}

/// Every configuration problem found at once; boot refuses to continue while any remain.
public struct SettingsError: Error, Sendable, CustomStringConvertible {
    public var problems: [SettingsProblem]

    public init(problems: [SettingsProblem]) {
        self.problems = problems
    }

    public var description: String {
        let noun = problems.count == 1 ? "problem" : "problems"
        return (["configuration has \(problems.count) \(noun):"] + problems.map { "  - \($0)" })
            .joined(separator: "\n")
    }
}
