import Crypto
import Foundation

/// One feature flag: on or off, optionally for only a percentage of customers.
public struct FeatureFlag: Sendable, Equatable {
    public var name: String
    public var enabled: Bool
    /// Share of subjects (0–100) that see the feature while `enabled`.
    public var rolloutPercent: Int

    public init(name: String, enabled: Bool, rolloutPercent: Int = 100) {
        self.name = name
        self.enabled = enabled
        self.rolloutPercent = rolloutPercent
    }
}

/// The feature flags of this environment, evaluated the same way by routes, services and templates.
public struct FeatureFlags: Sendable, Equatable {
    /// Flags every environment knows; config files may declare more.
    public static let knownFlags = ["reviewSystem", "recommendationEngine"]

    public private(set) var flags: [String: FeatureFlag]

    public init(_ flags: [FeatureFlag]) {
        self.flags = Dictionary(flags.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Whether `name` is on for `subject` (a customer or session id).
    ///
    /// A partial rollout hashes the flag name and subject with SHA-256, so the same customer gets the
    /// same answer on every instance and every restart; without a subject only a full rollout counts.
    public func isEnabled(_ name: String, for subject: String? = nil) -> Bool {
        guard let flag = flags[name], flag.enabled else { return false }
        if flag.rolloutPercent >= 100 { return true }
        guard let subject, flag.rolloutPercent > 0 else { return false }
        return Self.bucket(flag: name, subject: subject) < flag.rolloutPercent
    }

    /// Every flag's answer for one subject, for templates.
    public func snapshot(for subject: String?) -> [String: Bool] {
        flags.keys.reduce(into: [:]) { result, name in result[name] = isEnabled(name, for: subject) }
    }

    /// A stable bucket 0..<100 for a subject under one flag.
    static func bucket(flag: String, subject: String) -> Int {
        let digest = SHA256.hash(data: Data("\(flag):\(subject)".utf8))
        let prefix = digest.prefix(8).reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        return Int(prefix % 100)
    }
}

extension SettingsReader {
    /// Reads `features.NAME` as `true`/`false`/`25%`, or the long form `{enabled, rollout}`.
    mutating func featureFlags() -> FeatureFlags {
        let declared = keys(under: "features").compactMap {
            $0.split(separator: ".").dropFirst().first.map(String.init)
        }
        let names = Set(FeatureFlags.knownFlags + declared).sorted()
        return FeatureFlags(names.map { featureFlag(named: $0) })
    }

    private mutating func featureFlag(named name: String) -> FeatureFlag {
        let key = "features.\(name)"
        var flag = FeatureFlag(name: name, enabled: false)
        if !keys(under: key).isEmpty {
            flag.enabled = boolean("\(key).enabled", default: true)
            flag.rolloutPercent = integer("\(key).rollout", default: 100, range: 0...100)
        }
        guard let value = text(key) else { return flag }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let percent = Int(trimmed.dropLast()), (0...100).contains(percent) else {
                fail(key, "'\(value)' is not a rollout percentage between 0% and 100%")
                return flag
            }
            return FeatureFlag(name: name, enabled: percent > 0, rolloutPercent: percent)
        }
        switch trimmed.lowercased() {
        case "true", "yes", "on": return FeatureFlag(name: name, enabled: true)
        case "false", "no", "off": return FeatureFlag(name: name, enabled: false)
        default:
            fail(key, "'\(value)' is not true, false or a percentage such as 25%")
            return flag
        }
    }
}
