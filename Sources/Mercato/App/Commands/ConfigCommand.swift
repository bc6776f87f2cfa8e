import ArgumentParser
import Foundation

/// `mercato config print`: the resolved configuration with secrets redacted.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Inspect configuration.", subcommands: [Print.self])

    struct Print: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the resolved configuration of an environment; secrets are redacted.")

        @OptionGroup var options: EnvironmentOptions

        func run() async throws {
            let settings = try await options.loadSettings()
            print("# environment: \(settings.environment.rawValue)")
            print(ConfigPrinter.render(settings.resolved))
        }
    }
}

/// Formats resolved settings as `key: value  # source`, never printing a secret's value.
enum ConfigPrinter {
    static let redacted = "********"

    static func render(_ settings: [ResolvedSetting]) -> String {
        let width = settings.map { $0.key.count }.max() ?? 0
        return settings.sorted { $0.key < $1.key }.map { setting in
            let value = setting.isSecret && !setting.value.isEmpty ? redacted : setting.value
            let key = (setting.key + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0)
            return "\(key) \(value.isEmpty ? "(unset)" : value)  # \(setting.source)"
        }.joined(separator: "\n")
    }
}
