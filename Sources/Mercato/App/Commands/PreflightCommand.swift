import ArgumentParser
import Foundation

/// `mercato preflight --env ENV`: pre-deployment checks, one line each; exits non-zero naming every
/// failed check.
struct PreflightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract: "Check configuration, secrets, database, pending migrations, Redis and payment mode before a deploy.")

    @ArgumentParser.OptionGroup var options: EnvironmentOptions

    @ArgumentParser.Option(help: "Seconds each network check may take, 1–60.")
    var timeout = 5

    func validate() throws {
        guard (1...60).contains(timeout) else {
            throw ValidationError("--timeout must be between 1 and 60 seconds, got \(timeout)")
        }
    }

    func run() async throws {
        let evaluation = try await options.evaluateSettings()
        LoggingBootstrap.bootstrap(evaluation.settings.log.quietForCommands)
        print("preflight: \(evaluation.settings.environment.rawValue) (\(evaluation.displayPath))")
        let results = await Preflight(evaluation: evaluation, timeout: .seconds(timeout)).run()
        print(PreflightReport.render(results))
        let failed = results.filter { $0.status == .fail }.map(\.check)
        guard failed.isEmpty else {
            throw CommandFailure("preflight failed: \(failed.joined(separator: ", "))")
        }
        print("preflight passed: \(results.filter { $0.status == .ok }.count) checks ok")
    }
}

/// One aligned line per check: `ok   database    PostgreSQL mercato at db:5432 answered`.
enum PreflightReport {
    static func render(_ results: [PreflightResult]) -> String {
        let width = results.map(\.check.count).max() ?? 0
        return results.map { result in
            let status = result.status.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0)
            let check = result.check.padding(toLength: width, withPad: " ", startingAt: 0)
            return "\(status) \(check)  \(result.detail)"
        }.joined(separator: "\n")
    }
}
