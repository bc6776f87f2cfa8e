/// The four environments Mercato runs in. They share one binary and differ only in configuration.
public enum AppEnvironment: String, CaseIterable, Sendable, Codable {
    case development
    case testing
    case staging
    case production

    /// Picks the environment from `--env`, then `MERCATO_ENV`, then falls back to development.
    /// - Throws: `SettingsError` naming where the unknown name came from.
    public static func resolve(flag: String?, variables: [String: String]) throws -> AppEnvironment {
        let (raw, origin): (String?, String) =
            if let flag { (flag, "--env") } else { (variables["MERCATO_ENV"], "MERCATO_ENV") }
        guard let raw, !raw.isEmpty else { return .development }
        guard let environment = AppEnvironment(rawValue: raw.lowercased()) else {
            let known = allCases.map(\.rawValue).joined(separator: ", ")
            throw SettingsError(problems: [
                SettingsProblem(key: origin, message: "unknown environment '\(raw)'; expected one of \(known)")
            ])
        }
        return environment
    }

    /// Deployed environments hold real data and must never change their schema implicitly.
    public var isDeployed: Bool { self == .staging || self == .production }
}
