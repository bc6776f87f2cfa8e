import Foundation
import Testing

@testable import Mercato

/// The `jobs` configuration section: defaults, overrides, and refusals that name the key.
@Suite struct JobSettingsTests {
    private func load(_ yaml: String, variables: [String: String] = [:]) throws -> Settings {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try yaml.write(to: directory.appendingPathComponent("development.yaml"), atomically: true, encoding: .utf8)
        return try SettingsLoader.load(environment: .development, configDirectory: directory, variables: variables)
    }

    @Test func anAbsentSectionMeansTheDefaults() throws {
        let settings = try load("server:\n  port: 8080\n")
        #expect(settings.jobs == JobSettings())
        #expect(settings.jobs.concurrency == 4 && settings.jobs.leaseSeconds == 60)
    }

    @Test func theSectionAndItsVariablesAreRead() throws {
        let settings = try load(
            "jobs:\n  pollIntervalMilliseconds: 250\n  concurrency: 8\n  leaseSeconds: 120\n",
            variables: ["MERCATO_JOBS_SHUTDOWN_TIMEOUT_SECONDS": "40", "MERCATO_JOBS_CONCURRENCY": "2"])
        #expect(settings.jobs.pollIntervalMilliseconds == 250)
        #expect(settings.jobs.concurrency == 2)
        #expect(settings.jobs.leaseSeconds == 120)
        #expect(settings.jobs.shutdownTimeoutSeconds == 40)
        #expect(settings.resolved.contains { $0.key == "jobs.concurrency" && $0.value == "2" })
    }

    @Test func everyBadValueIsReportedAtOnce() {
        let yaml = """
            jobs:
              pollIntervalMilliseconds: 0
              concurrency: many
              leaseSeconds: 1
              retryBaseDelaySeconds: 60
              retryMaxDelaySeconds: 30
              leaseSecs: 10
            """
        var problems: [SettingsProblem] = []
        do {
            _ = try load(yaml)
            Issue.record("expected the configuration to be refused")
        } catch let error as SettingsError {
            problems = error.problems
        } catch {
            Issue.record("unexpected error \(error)")
        }
        let keys = Set(problems.map(\.key))
        #expect(
            keys == [
                "jobs.pollIntervalMilliseconds", "jobs.concurrency", "jobs.leaseSeconds", "jobs.retryMaxDelaySeconds",
                "jobs.leaseSecs",
            ])
        #expect(problems.contains { $0.key == "jobs.concurrency" && $0.message.contains("'many' is not a number") })
    }

    @Test func everyShippedConfigurationLoadsItsJobsSection() throws {
        let testing = try TestSupport.settings(.testing)
        #expect(testing.jobs.pollIntervalMilliseconds == 100 && testing.jobs.retryBaseDelaySeconds == 1)
        let development = try TestSupport.settings(.development)
        #expect(development.jobs.shutdownTimeoutSeconds == 25)
        let production = try TestSupport.settings(.production, variables: TestSupport.deployedVariables)
        #expect(production.jobs.shutdownTimeoutSeconds == 25 && production.jobs.concurrency == 4)
    }
}
