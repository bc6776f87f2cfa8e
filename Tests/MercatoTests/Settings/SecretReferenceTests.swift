import Foundation
import Testing

@testable import Mercato

/// Writes `yaml` as `<environment>.yaml` in a fresh folder and evaluates it with `store`
/// (`nil`: Secrets Manager as `variables` describe).
private func evaluate(
    _ yaml: String, environment: AppEnvironment = .testing, variables: [String: String],
    store: (any SecretStore)? = nil
) async throws -> SettingsEvaluation {
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try yaml.write(
        to: directory.appendingPathComponent("\(environment.rawValue).yaml"), atomically: true, encoding: .utf8)
    return try await SettingsLoader.evaluate(
        environment: environment, configDirectory: directory, variables: variables, secretStore: store)
}

/// `${secret:NAME#key}` resolution against a real Secrets Manager emulator.
@Suite("Secret references against moto", .enabled(if: TestServices.secretsEnabled))
struct SecretReferenceMotoTests {
    @Test func jsonKeysAndPlainSecretsResolveAndPrintRedacted() async throws {
        // setup
        let app = try await TestServices.createSecret(#"{"webhookToken":"tok-from-secrets","redisPassword":"r3dis"}"#)
        let plain = try await TestServices.createSecret("plain-db-password")
        let yaml = """
            checkout:
              testWebhookSecret: ${secret:\(app)#webhookToken}
            redis:
              password: ${secret:\(app)#redisPassword}
            database:
              password: ${secret:\(plain)}
            """
        // MUT
        let evaluation = try await evaluate(yaml, variables: try TestServices.secretsVariables())
        // validate
        #expect(evaluation.problems.isEmpty, "\(evaluation.problems)")
        #expect(evaluation.settings.checkout.testWebhookSecret == "tok-from-secrets")
        #expect(evaluation.settings.redis.password == "r3dis")
        #expect(evaluation.secretNames == [app, plain])
        let printed = ConfigPrinter.render(evaluation.settings.resolved)
        #expect(!printed.contains("tok-from-secrets"))
        #expect(!printed.contains("plain-db-password"))
        let tokenLine = try #require(
            printed.split(separator: "\n").first { $0.hasPrefix("checkout.testWebhookSecret:") })
        #expect(tokenLine.contains(ConfigPrinter.redacted))
        #expect(tokenLine.contains("testing.yaml:2 via \(app)"))
    }

    @Test func missingSecretNamesFileLineSecretAndKeyAlongsideOtherProblems() async throws {
        // setup
        let missing = "mercato/absent-\(UUID().uuidString.lowercased().prefix(8))/app"
        let yaml = """
            server:
              port: not-a-port
            database:
              password: ${secret:\(missing)#databasePassword}
            """
        // MUT
        let evaluation = try await evaluate(yaml, variables: try TestServices.secretsVariables())
        // validate
        let problem = try #require(evaluation.problems.first { $0.key == "database.password" })
        #expect(problem.secret == missing)
        #expect(problem.message.contains("${secret:\(missing)#databasePassword}"))
        #expect(problem.message.contains("does not exist"))
        #expect(problem.location?.contains("testing.yaml:4") == true)
        #expect(evaluation.problems.contains { $0.key == "server.port" })
    }

    @Test func missingKeyListsTheKeysTheSecretHas() async throws {
        let name = try await TestServices.createSecret(#"{"webhookToken":"x"}"#)
        let yaml = "database:\n  password: ${secret:\(name)#databasePassword}\n"
        let evaluation = try await evaluate(yaml, variables: try TestServices.secretsVariables())
        let problem = try #require(evaluation.problems.first)
        #expect(evaluation.problems.count == 1)
        #expect(problem.key == "database.password")
        #expect(problem.message.contains("has no key 'databasePassword' (it has: webhookToken)"))
        #expect(!problem.message.contains("\"x\""))
    }

    @Test func keyOfANonJSONSecretIsRefused() async throws {
        let name = try await TestServices.createSecret("just text")
        let yaml = "checkout:\n  testWebhookSecret: ${secret:\(name)#webhookToken}\n"
        let evaluation = try await evaluate(yaml, variables: try TestServices.secretsVariables())
        let problem = try #require(evaluation.problems.first)
        #expect(problem.key == "checkout.testWebhookSecret")
        #expect(problem.message.contains("is not a JSON object, so key 'webhookToken' cannot be read"))
        #expect(!problem.message.contains("just text"))
    }

    @Test func configPrintRedactsResolvedSecrets() async throws {
        // setup
        let name = try await TestServices.createSecret(#"{"webhookToken":"printed-never"}"#)
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "checkout:\n  testWebhookSecret: ${secret:\(name)#webhookToken}\n".write(
            to: directory.appendingPathComponent("testing.yaml"), atomically: true, encoding: .utf8)
        // MUT
        let outcome = try CommandLineRunner.run(
            ["config", "print", "--env", "testing", "--config-dir", directory.path],
            environment: try TestServices.secretsVariables())
        // validate
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("checkout.testWebhookSecret:"))
        #expect(outcome.stdout.contains(ConfigPrinter.redacted))
        #expect(!outcome.stdout.contains("printed-never"))
    }
}

/// Counts lookups, to show each distinct secret is fetched once however often it is referenced.
private actor CountingSecretStore: SecretStore {
    let texts: [String: String]
    private(set) var lookups: [String] = []

    init(_ texts: [String: String]) { self.texts = texts }

    func secretString(named name: String) async throws(SecretStoreError) -> String {
        lookups.append(name)
        guard let text = texts[name] else { throw .notFound }
        return text
    }
}

@Suite struct SecretReferenceTests {
    @Test func eachDistinctSecretIsFetchedOnce() async throws {
        let store = CountingSecretStore(["shop/app": #"{"a":"1","b":"2"}"#])
        let yaml = """
            checkout:
              testWebhookSecret: ${secret:shop/app#a}
            database:
              password: ${secret:shop/app#b}
            redis:
              password: ${secret:shop/app#a}
            """
        let evaluation = try await evaluate(yaml, variables: [:], store: store)
        #expect(evaluation.problems.isEmpty)
        #expect(evaluation.settings.checkout.testWebhookSecret == "1")
        #expect(await store.lookups == ["shop/app"])
        #expect(evaluation.referenceCount == 3)
    }

    @Test func noReferencesMeansNoLookups() async throws {
        let store = CountingSecretStore([:])
        let evaluation = try await evaluate(
            "checkout:\n  testWebhookSecret: ${TOKEN}\n", variables: ["TOKEN": "t"], store: store)
        #expect(evaluation.settings.checkout.testWebhookSecret == "t")
        #expect(await store.lookups.isEmpty)
    }

    @Test func missingCredentialsNameTheVariable() async throws {
        let evaluation = try await evaluate("checkout:\n  testWebhookSecret: ${secret:shop/app#a}\n", variables: [:])
        let problem = try #require(evaluation.problems.first)
        #expect(problem.key == "checkout.testWebhookSecret")
        #expect(problem.message.contains("AWS_ACCESS_KEY_ID is not set"))
    }

    @Test func malformedReferencesAreRefused() {
        #expect(
            Interpolation.expand("${secret:}", variables: [:]) == .failure(.invalidSecretReference("secret:")))
        #expect(
            Interpolation.expand("${secret:app#}", variables: [:]) == .failure(.invalidSecretReference("secret:app#")))
        #expect(
            Interpolation.secretReferences(in: "x${secret:a/b#k}y${HOME}${secret:c}").map(\.description) == [
                "${secret:a/b#k}", "${secret:c}",
            ])
    }
}
