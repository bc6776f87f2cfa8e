import Foundation
import Testing

@testable import Mercato

@Suite struct SettingsLoaderTests {
    /// Writes `yaml` as `<environment>.yaml` in a fresh folder and loads it.
    private func load(
        _ yaml: String, environment: AppEnvironment = .development, variables: [String: String] = [:]
    ) throws -> Settings {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try yaml.write(
            to: directory.appendingPathComponent("\(environment.rawValue).yaml"), atomically: true, encoding: .utf8)
        return try SettingsLoader.load(environment: environment, configDirectory: directory, variables: variables)
    }

    private func problems(
        _ yaml: String, environment: AppEnvironment = .development, variables: [String: String] = [:]
    ) -> [SettingsProblem] {
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

    @Test func developmentDefaultsToSQLiteInDataFolder() throws {
        // MUT
        let settings = try TestSupport.settings(.development)
        // validate
        #expect(settings.database == .sqlite(path: "data/mercato.sqlite"))
        #expect(settings.server.port == 8080)
        #expect(settings.log.format == .text)
        #expect(settings.adapters.payments == .test)
    }

    @Test func testingUsesInMemorySQLite() throws {
        let settings = try TestSupport.settings(.testing)
        #expect(settings.database == .sqlite(path: DatabaseSettings.inMemoryPath))
    }

    @Test func interpolatesVariablesAndDefaults() throws {
        let settings = try TestSupport.settings(.development, variables: ["PORT": "9090"])
        #expect(settings.server.port == 9090)
    }

    @Test func environmentVariablesOverrideKeys() throws {
        // setup
        let variables = [
            "MERCATO_DATABASE_HOST": "db.internal", "MERCATO_DATABASE_MAX_CONNECTIONS": "25",
            "MERCATO_DATABASE_DATABASE": "shop", "MERCATO_LOG_LEVEL": "warning",
        ]
        // MUT
        let settings = try TestSupport.settings(.development, variables: variables)
        // validate
        guard case .postgres(let postgres) = settings.database else {
            Issue.record("a database host must switch to PostgreSQL")
            return
        }
        #expect(postgres.host == "db.internal")
        #expect(postgres.maxConnections == 25)
        #expect(postgres.database == "shop")
        #expect(settings.log.level == .warning)
        #expect(
            settings.resolved.first { $0.key == "database.host" }?.source
                == "environment variable MERCATO_DATABASE_HOST")
    }

    @Test func variableNamesFollowTheDocumentedScheme() {
        #expect(SettingsReader.variableName(for: "database.host") == "MERCATO_DATABASE_HOST")
        #expect(SettingsReader.variableName(for: "database.maxConnections") == "MERCATO_DATABASE_MAX_CONNECTIONS")
        #expect(SettingsReader.variableName(for: "features.reviewSystem") == "MERCATO_FEATURES_REVIEW_SYSTEM")
    }

    @Test func reportsEveryProblemAtOnceNamingKeyAndVariable() {
        // setup
        let yaml = """
            server:
              port: eighty
              baseURL: ${BASE_URL}
            adapters:
              cache: memcache
            database:
              maxConnections: 0
            databse:
              host: typo
            """
        // MUT
        let found = problems(yaml)
        // validate
        #expect(
            found.map(\.key).sorted() == [
                "adapters.cache", "database.maxConnections", "databse.host", "server.baseURL", "server.port",
            ])
        let port = found.first { $0.key == "server.port" }
        #expect(port?.message.contains("'eighty' is not a number") == true)
        #expect(port?.location?.contains("development.yaml:2") == true)
        #expect(port?.location?.contains("MERCATO_SERVER_PORT") == true)
        #expect(found.first { $0.key == "server.baseURL" }?.message.contains("${BASE_URL} is not set") == true)
        #expect(found.first { $0.key == "adapters.cache" }?.message.contains("expected one of memory, redis") == true)
        #expect(found.first { $0.key == "databse.host" }?.message == "unknown setting")
    }

    @Test func refusesPortOutOfRange() {
        let found = problems("server:\n  port: 70000\n")
        #expect(found.map(\.key) == ["server.port"])
        #expect(found.first?.message == "70000 is out of range 1–65535")
        #expect(found.first?.location?.contains("development.yaml:2; override with MERCATO_SERVER_PORT") == true)
    }

    @Test func productionRefusesInsecureSettingsAllAtOnce() {
        // setup: a production file that is well-formed but unsafe in five ways
        let yaml = """
            server:
              baseURL: http://shop.example.com
            log:
              level: debug
            database:
              host: db.example.com
              ssl: false
            adapters:
              payments: test
              mailer: ses
            mail:
              from: orders@example.com
            """
        // MUT
        let found = problems(yaml, environment: .production)
        // validate
        #expect(
            Set(found.map(\.key)) == [
                "server.baseURL", "log.level", "database.password", "database.ssl", "adapters.payments",
            ])
        #expect(found.allSatisfy { $0.location?.hasPrefix("set MERCATO_") == true })
    }

    @Test func productionLoadsWhenEverySecretIsProvided() throws {
        let variables = TestSupport.deployedVariables.merging(["DB_PASSWORD": "s3cret"]) { _, new in new }
        let settings = try TestSupport.settings(.production, variables: variables)
        #expect(settings.log.format == .json)
        #expect(settings.adapters.payments == .stripe)
    }

    @Test func productionFileNamesEachMissingVariable() {
        do {
            _ = try TestSupport.settings(.production)
            Issue.record("production must refuse to start without its variables")
        } catch let error as SettingsError {
            let text = error.description
            #expect(text.contains("${BASE_URL} is not set"))
            #expect(text.contains("${DB_HOST} is not set"))
            #expect(text.contains("${DB_PASSWORD} is not set"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func stagingRefusesThePublicTestWebhookSecret() {
        // setup: staging's shape, with the value anyone could guess
        let yaml = """
            server:
              baseURL: https://staging.example.com
            database:
              host: db.internal
            checkout:
              testWebhookSecret: whsec_mercato_test
            """
        // MUT
        let found = problems(yaml, environment: .staging)
        // validate: named, with what to do
        #expect(found.map(\.key).sorted() == ["checkout.testWebhookSecret"])
        #expect(found.first { $0.key == "checkout.testWebhookSecret" }?.message.contains("not the default") == true)
    }

    /// One shared admin bearer token gave every script and person the same unrevocable access.
    @Test func theRetiredAdminTokenIsRefusedWithWhatToUseInstead() {
        for environment in AppEnvironment.allCases {
            let found = problems("admin:\n  token: \(String(repeating: "t", count: 40))\n", environment: environment)
            let problem = found.first { $0.key == "admin.token" }
            #expect(problem?.message.contains("is retired") == true, "\(environment)")
            #expect(problem?.message.contains("mercato staff api-key") == true, "\(environment)")
        }
    }

    @Test func stagingRequiresPostgres() {
        let found = problems("server:\n  baseURL: https://staging.example.com\n", environment: .staging)
        #expect(found.map(\.key) == ["database.host", "checkout.testWebhookSecret"])
        #expect(found.first?.message.contains("requires PostgreSQL") == true)
    }

    @Test func malformedYAMLNamesFileAndLine() {
        let found = problems("server:\n  port: 8080\n  host: [unclosed\nlog:\n  level: info\n")
        #expect(found.count == 1)
        #expect(found.first?.message.hasPrefix("malformed YAML") == true)
        #expect(
            found.first?.location?.hasSuffix("development.yaml:4") == true
                || found.first?.location?.hasSuffix("development.yaml:3") == true)
    }

    @Test func missingFileIsNamed() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: SettingsError.self) {
            try SettingsLoader.load(environment: .staging, configDirectory: directory, variables: [:])
        }
    }

    @Test func unknownEnvironmentNameIsRefused() throws {
        #expect(throws: SettingsError.self) { try AppEnvironment.resolve(flag: "prod", variables: [:]) }
        #expect(throws: SettingsError.self) { try AppEnvironment.resolve(flag: nil, variables: ["MERCATO_ENV": "qa"]) }
        let fromVariable = try AppEnvironment.resolve(flag: nil, variables: ["MERCATO_ENV": "staging"]) == .staging
        #expect(fromVariable)
        let byDefault = try AppEnvironment.resolve(flag: nil, variables: [:]) == .development
        #expect(byDefault)
    }

    @Test func configPrintRedactsSecrets() throws {
        // setup
        let variables = TestSupport.deployedVariables.merging(["DB_PASSWORD": "hunter2-secret"]) { _, new in new }
        let settings = try TestSupport.settings(.production, variables: variables)
        // MUT
        let printed = ConfigPrinter.render(settings.resolved)
        // validate
        #expect(!printed.contains("hunter2-secret"))
        #expect(printed.contains("database.password:"))
        #expect(printed.contains(ConfigPrinter.redacted))
        #expect(printed.contains("database.host:"))
    }
}
