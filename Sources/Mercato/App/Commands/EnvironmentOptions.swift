import ArgumentParser
import Foundation

/// `--env` and `--config-dir`, shared by every command that reads configuration.
struct EnvironmentOptions: ParsableArguments {
    @Option(help: "development, testing, staging or production (default: $MERCATO_ENV, else development).")
    var env: String?

    @Option(
        name: .customLong("config-dir"),
        help: "Folder with <env>.yaml files (default: $MERCATO_CONFIG_DIR or ./config).")
    var configDirectory: String?

    /// Loads the environment's settings, resolving `${secret:…}` references through Secrets Manager.
    func loadSettings() async throws -> Settings {
        let variables = ProcessInfo.processInfo.environment
        let environment = try AppEnvironment.resolve(flag: env, variables: variables)
        let directory =
            configDirectory.map { URL(fileURLWithPath: $0) }
            ?? SettingsLoader.defaultConfigDirectory(variables: variables)
        return try await SettingsLoader.load(
            environment: environment, configDirectory: directory, variables: variables, secretStore: nil)
    }

    /// Reads the settings and resolves their secrets as `loadSettings()` does, but returns the problems
    /// alongside the settings instead of throwing them (for `mercato preflight`).
    func evaluateSettings() async throws -> SettingsEvaluation {
        let variables = ProcessInfo.processInfo.environment
        let environment = try AppEnvironment.resolve(flag: env, variables: variables)
        let directory =
            configDirectory.map { URL(fileURLWithPath: $0) }
            ?? SettingsLoader.defaultConfigDirectory(variables: variables)
        return try await SettingsLoader.evaluate(
            environment: environment, configDirectory: directory, variables: variables, secretStore: nil)
    }
}

/// A command-line failure: printed as one `Error:` line, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
