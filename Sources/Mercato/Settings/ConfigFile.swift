import Foundation
import Yams

/// A configuration value before it is typed: the raw text and where it came from.
struct ConfigEntry: Sendable, Equatable {
    var raw: String
    var location: String
}

/// Reads one environment's YAML file into flat dotted keys (`database.port`), keeping line numbers
/// so every later complaint can point at the exact line.
enum ConfigFile {
    /// - Throws: `SettingsError` for a missing file or malformed YAML, naming the file and line.
    static func entries(at url: URL, displayPath: String) throws -> [String: ConfigEntry] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SettingsError(problems: [
                SettingsProblem(key: "config", message: "configuration file \(displayPath) not found")
            ])
        }
        let text = String(decoding: data, as: UTF8.self)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw SettingsError(problems: [malformed(error, path: displayPath)])
        }
        guard let root else { return [:] }
        guard case .mapping = root else {
            throw SettingsError(problems: [
                SettingsProblem(
                    key: "config", message: "top level must be a mapping of sections",
                    location: "\(displayPath):\(root.mark?.line ?? 1)")
            ])
        }
        var entries: [String: ConfigEntry] = [:]
        var problems: [SettingsProblem] = []
        flatten(root, prefix: "", path: displayPath, into: &entries, problems: &problems)
        if !problems.isEmpty { throw SettingsError(problems: problems) }
        return entries
    }

    private static func flatten(
        _ node: Node, prefix: String, path: String,
        into entries: inout [String: ConfigEntry], problems: inout [SettingsProblem]
    ) {
        let location = "\(path):\(node.mark?.line ?? 0)"
        switch node {
        case .mapping(let mapping):
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.scalar?.string else { continue }
                let fullKey = prefix.isEmpty ? key : "\(prefix).\(key)"
                flatten(valueNode, prefix: fullKey, path: path, into: &entries, problems: &problems)
            }
        case .scalar(let scalar):
            // `~`, `null` and empty values mean "not set" so defaults apply.
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return }
            entries[prefix] = ConfigEntry(raw: scalar.string, location: location)
        case .sequence:
            problems.append(SettingsProblem(key: prefix, message: "lists are not supported here", location: location))
        case .alias:
            problems.append(SettingsProblem(key: prefix, message: "YAML aliases are not supported", location: location))
        }
    }

    private static func malformed(_ error: YamlError, path: String) -> SettingsProblem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return SettingsProblem(
                key: "config", message: "malformed YAML: \(problem)", location: "\(path):\(mark.line)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return SettingsProblem(
                key: "config", message: "duplicate keys \(duplicates.joined(separator: ", "))",
                location: "\(path):\(context.mark.line)")
        default:
            return SettingsProblem(key: "config", message: "malformed YAML: \(error)", location: path)
        }
    }
}
