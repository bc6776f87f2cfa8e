import Fluent
import Foundation
import Testing

@testable import Mercato

/// `mercato preflight` as an operator runs it before a deploy: one line per check, a non-zero exit
/// naming every failed check.
@Suite struct PreflightTests {
    /// The line of `check` in the report, e.g. `FAIL database  …`.
    static func line(_ check: String, in output: String) -> String? {
        output.split(separator: "\n").map(String.init).first { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return fields.count > 1 && fields[1] == check
        }
    }

    static func sqliteVariables(_ directory: URL) -> [String: String] {
        ["MERCATO_DATABASE_DATABASE": directory.appendingPathComponent("shop.sqlite").path]
    }

    @Test func allGoodOnMigratedSQLite() throws {
        // setup
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let variables = Self.sqliteVariables(directory)
        let migrated = try CommandLineRunner.run(["migrate", "--env", "testing", "--yes"], environment: variables)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        // MUT
        let outcome = try CommandLineRunner.run(["preflight", "--env", "testing"], environment: variables)
        // validate
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        for check in ["configuration", "secrets", "database", "migrations", "payments", "mailer"] {
            #expect(Self.line(check, in: outcome.stdout)?.hasPrefix("ok ") == true, "\(check): \(outcome.stdout)")
        }
        #expect(Self.line("migrations", in: outcome.stdout)?.contains("schema is up to date") == true)
        #expect(Self.line("redis", in: outcome.stdout)?.hasPrefix("skip ") == true)
        #expect(outcome.stdout.contains("preflight passed"))
    }

    @Test func pendingMigrationsAreListedByName() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try CommandLineRunner.run(
            ["preflight", "--env", "testing"], environment: Self.sqliteVariables(directory))
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        let line = try #require(Self.line("migrations", in: outcome.stdout))
        #expect(line.contains("\(MigrationList.all.count) pending"))
        for migration in MigrationList.all { #expect(line.contains(migration.name)) }
    }

    @Test func unreachableDatabaseAndRedisAreBothNamed() throws {
        // setup: nothing listens on ports 1 and 2
        let variables = [
            "MERCATO_DATABASE_HOST": "127.0.0.1", "MERCATO_DATABASE_PORT": "1", "MERCATO_REDIS_HOST": "127.0.0.1",
            "MERCATO_REDIS_PORT": "2",
        ]
        // MUT
        let outcome = try CommandLineRunner.run(
            ["preflight", "--env", "testing", "--timeout", "3"], environment: variables)
        // validate
        #expect(outcome.status != 0)
        let database = try #require(Self.line("database", in: outcome.stdout))
        #expect(database.hasPrefix("FAIL"))
        #expect(database.contains("127.0.0.1:1"))
        #expect(database.contains("Connection refused"))
        #expect(Self.line("migrations", in: outcome.stdout)?.hasPrefix("skip") == true)
        let redis = try #require(Self.line("redis", in: outcome.stdout))
        #expect(redis.hasPrefix("FAIL"))
        #expect(redis.contains("127.0.0.1:2"))
        #expect(Self.line("configuration", in: outcome.stdout)?.hasPrefix("ok") == true)
        #expect(outcome.stderr.contains("Error: preflight failed: database, redis"))
    }

    @Test func productionWithTestPaymentsAndLogMailerFailsEachCheck() throws {
        var variables = TestSupport.deployedVariables
        variables["DB_HOST"] = "127.0.0.1"
        variables["DB_PORT"] = "1"
        variables["REDIS_HOST"] = "127.0.0.1"
        variables["REDIS_PORT"] = "2"
        variables["MERCATO_ADAPTERS_PAYMENTS"] = "test"
        variables["MERCATO_ADAPTERS_MAILER"] = "log"
        let outcome = try CommandLineRunner.run(
            ["preflight", "--env", "production", "--timeout", "3"], environment: variables)
        #expect(outcome.status != 0)
        let payments = try #require(Self.line("payments", in: outcome.stdout))
        #expect(payments.hasPrefix("FAIL"))
        #expect(payments.contains("production must take live payments, but uses the built-in test provider"))
        #expect(Self.line("mailer", in: outcome.stdout)?.hasPrefix("FAIL") == true)
        #expect(outcome.stderr.contains("Error: preflight failed: configuration, database, redis, payments, mailer"))
    }

    @Test func unresolvableSecretWithoutCredentialsNamesSecretAndVariable() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "checkout:\n  testWebhookSecret: ${secret:mercato/testing/app#webhookToken}\n".write(
            to: directory.appendingPathComponent("testing.yaml"), atomically: true, encoding: .utf8)
        let outcome = try CommandLineRunner.run(["preflight", "--env", "testing", "--config-dir", directory.path])
        #expect(outcome.status != 0)
        let secrets = try #require(Self.line("secrets", in: outcome.stdout))
        #expect(secrets.hasPrefix("FAIL"))
        #expect(secrets.contains("checkout.testWebhookSecret: ${secret:mercato/testing/app#webhookToken}"))
        #expect(secrets.contains("AWS_ACCESS_KEY_ID is not set"))
        #expect(secrets.contains("testing.yaml:2"))
        #expect(Self.line("configuration", in: outcome.stdout)?.hasPrefix("ok") == true)
        #expect(outcome.stderr.contains("preflight failed: secrets"))
    }

    @Test func badTimeoutIsACLIError() throws {
        let outcome = try CommandLineRunner.run(["preflight", "--env", "testing", "--timeout", "0"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("--timeout must be between 1 and 60 seconds, got 0"))
    }

    /// The Stripe secret key's mode decides live mode.
    @Test func productionPaymentsNeedStripeWithALiveKey() throws {
        var settings = try TestSupport.settings()
        settings.environment = .production
        settings.adapters.payments = .stripe
        func payments(key: String?) -> PreflightResult {
            var settings = settings
            settings.stripe.secretKey = key
            let evaluation = SettingsEvaluation(
                settings: settings, problems: [], displayPath: "config/production.yaml", secretNames: [],
                referenceCount: 0)
            return Preflight(evaluation: evaluation).paymentsCheck()
        }
        #expect(payments(key: "sk_live_abc").status == .ok)
        #expect(payments(key: "sk_live_abc").detail == "stripe in live mode")
        let testKey = payments(key: "sk_test_abc")
        #expect(testKey.status == .fail)
        #expect(testKey.detail.contains("uses stripe in test mode; set stripe.secretKey to an sk_live_ key"))
        #expect(!testKey.detail.contains("sk_test_abc"))
        #expect(payments(key: nil).status == .fail)
    }
}

/// Preflight with secrets in a real Secrets Manager emulator.
@Suite("Preflight against moto", .enabled(if: TestServices.secretsEnabled))
struct PreflightSecretsTests {
    @Test func resolvedAndMissingSecretsAreReported() async throws {
        // setup
        let name = try await TestServices.createSecret(#"{"webhookToken":"tok"}"#)
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good")
        let bad = directory.appendingPathComponent("bad")
        for folder in [good, bad] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        try "checkout:\n  testWebhookSecret: ${secret:\(name)#webhookToken}\n".write(
            to: good.appendingPathComponent("testing.yaml"), atomically: true, encoding: .utf8)
        try "checkout:\n  testWebhookSecret: ${secret:\(name)#missingKey}\n".write(
            to: bad.appendingPathComponent("testing.yaml"), atomically: true, encoding: .utf8)
        let variables = try TestServices.secretsVariables()
        // MUT
        let passing = try CommandLineRunner.run(
            ["preflight", "--env", "testing", "--config-dir", good.path], environment: variables)
        let failing = try CommandLineRunner.run(
            ["preflight", "--env", "testing", "--config-dir", bad.path], environment: variables)
        // validate
        #expect(passing.status == 0, "\(passing.stdout)\(passing.stderr)")
        #expect(
            PreflightTests.line("secrets", in: passing.stdout)?.contains("1 reference(s) resolved from \(name)") == true
        )
        #expect(!passing.stdout.contains("tok\n"))
        #expect(failing.status != 0)
        let line = try #require(PreflightTests.line("secrets", in: failing.stdout))
        #expect(line.hasPrefix("FAIL"))
        #expect(line.contains("secret \(name) has no key 'missingKey'"))
        #expect(failing.stderr.contains("preflight failed: secrets"))
    }
}

/// Preflight against real PostgreSQL and Redis servers.
@Suite(
    "Preflight against PostgreSQL and Redis",
    .enabled(if: TestServices.postgresEnabled && TestServices.redisEnabled))
struct PreflightServicesTests {
    @Test func migratedPostgresAndLiveRedisPass() async throws {
        // setup: the suite's own database, fully migrated, and the test Redis server
        var settings = try await TestServices.postgresTestingSettings(suite: "preflight")
        try await TestSupport.withApp(settings, migrate: true) { _ in }
        let redis = try TestServices.redisTestingSettings().redis
        settings.redis = redis
        let evaluation = SettingsEvaluation(
            settings: settings, problems: [], displayPath: "config/testing.yaml", secretNames: [], referenceCount: 0)
        // MUT
        let results = await Preflight(evaluation: evaluation).run()
        // validate
        let byCheck = Dictionary(uniqueKeysWithValues: results.map { ($0.check, $0) })
        #expect(byCheck["database"]?.status == .ok)
        #expect(byCheck["database"]?.detail.hasPrefix("PostgreSQL mercato_test_preflight at") == true)
        #expect(byCheck["migrations"]?.detail == "schema is up to date")
        #expect(byCheck["redis"]?.status == .ok)
        #expect(byCheck["redis"]?.detail.contains("\(redis.host ?? ""):\(redis.port)") == true)
        #expect(!results.contains { $0.status == .fail })
    }
}
