import Foundation
import Testing

@testable import Mercato

/// The `mail` section: what each environment gets, what production refuses, and what stays secret.
@Suite struct MailSettingsTests {
    private func load(_ yaml: String, environment: AppEnvironment, variables: [String: String] = [:]) throws -> Settings
    {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try yaml.write(
            to: directory.appendingPathComponent("\(environment.rawValue).yaml"), atomically: true, encoding: .utf8)
        return try SettingsLoader.load(environment: environment, configDirectory: directory, variables: variables)
    }

    private func problems(_ yaml: String, environment: AppEnvironment, variables: [String: String] = [:])
        -> [SettingsProblem]
    {
        do {
            _ = try load(yaml, environment: environment, variables: variables)
            Issue.record("expected the configuration to be refused")
            return []
        } catch let error as SettingsError {
            return error.problems
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    /// Production settings that pass every other rule, so only the mail rules can refuse.
    private let productionBase = """
        server:
          baseURL: https://shop.example.com
        database:
          host: db.example.com
          password: secret
        stripe:
          secretKey: sk_live_example
          webhookSecret: whsec_example
        adapters:
          payments: stripe

        """

    @Test func developmentWritesToTheOutboxAndProductionSendsThroughSES() throws {
        let development = try TestSupport.settings(.development)
        #expect(development.adapters.mailer == .file)
        #expect(development.mail.outboxDirectory == "data/outbox")
        #expect(development.mail.from == "Mercato <orders@mercato.local>")
        let production = try TestSupport.settings(
            .production, variables: TestSupport.deployedVariables.merging(["SES_REGION": "eu-central-1"]) { $1 })
        #expect(production.adapters.mailer == .ses)
        #expect(production.mail.from == "Mercato <orders@shop.example.com>")
        #expect(production.mail.ses.region == "eu-central-1")
    }

    @Test(arguments: ["file", "log"]) func productionRefusesMailersThatDeliverNothing(mailer: String) {
        let found = problems(
            productionBase + "  mailer: \(mailer)\nmail:\n  from: orders@example.com\n", environment: .production)
        #expect(found.map(\.key) == ["adapters.mailer"])
        #expect(found.first?.message.contains("use smtp or ses") == true)
        #expect(found.first?.location == "set MERCATO_ADAPTERS_MAILER")
    }

    @Test func productionRefusesAMissingSenderAddress() {
        let found = problems(productionBase + "  mailer: ses\n", environment: .production)
        #expect(found.map(\.key) == ["mail.from"])
        #expect(found.first?.location == "set MERCATO_MAIL_FROM")
    }

    @Test func productionRefusesSMTPCredentialsInTheClear() {
        let yaml =
            productionBase
            + "  mailer: smtp\nmail:\n  from: orders@example.com\n  smtp:\n    host: smtp.example.com\n"
            + "    username: mercato\n    password: secret\n    startTLS: false\n"
        let found = problems(yaml, environment: .production)
        #expect(found.map(\.key) == ["mail.smtp.startTLS"])
    }

    @Test func aSenderThatIsNotAnAddressIsNamed() {
        let found = problems("mail:\n  from: Mercato Shop\n", environment: .development)
        #expect(found.map(\.key) == ["mail.from"])
        #expect(found.first?.message.contains("is not an email address") == true)
        #expect(found.first?.location?.contains("development.yaml:2") == true)
    }

    @Test func theSMTPMailerNeedsAHostAndCredentialsComeInPairs() {
        let found = problems(
            "adapters:\n  mailer: smtp\nmail:\n  smtp:\n    username: mercato\n", environment: .development)
        #expect(Set(found.map(\.key)) == ["mail.smtp.password", "mail.smtp.host"])
    }

    @Test func smtpSettingsAreReadAndTheirPasswordIsRedacted() throws {
        // setup
        let yaml = """
            adapters:
              mailer: smtp
            mail:
              from: orders@example.com
              smtp:
                host: smtp.example.com
                port: 2525
                username: mercato
                password: ${SMTP_PASSWORD}
                startTLS: false
            """
        // MUT
        let settings = try load(yaml, environment: .development, variables: ["SMTP_PASSWORD": "smtp-hunter2"])
        let printed = ConfigPrinter.render(settings.resolved)
        // validate
        #expect(settings.mail.smtp.host == "smtp.example.com")
        #expect(settings.mail.smtp.port == 2525)
        #expect(settings.mail.smtp.password == "smtp-hunter2")
        #expect(settings.mail.smtp.startTLS == false)
        #expect(!printed.contains("smtp-hunter2"))
        let passwordLine = printed.split(separator: "\n").first { $0.hasPrefix("mail.smtp.password:") }
        #expect(passwordLine?.contains(ConfigPrinter.redacted) == true)
        #expect(printed.contains("mail.smtp.host:"))
    }

    @Test func theAppUsesTheConfiguredMailer() async throws {
        var settings = try TestSupport.settings()
        #expect(settings.adapters.mailer == .log)
        try await TestSupport.withApp(settings, migrate: false) { app in #expect(app.mailer is LogMailer) }
        settings.adapters.mailer = .file
        try await TestSupport.withApp(settings, migrate: false) { app in #expect(app.mailer is FileMailer) }
        settings.adapters.mailer = .smtp
        settings.mail.smtp.host = "127.0.0.1"
        try await TestSupport.withApp(settings, migrate: false) { app in #expect(app.mailer is SMTPMailer) }
    }
}
