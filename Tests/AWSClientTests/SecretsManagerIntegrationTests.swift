import AWSClient
import AsyncHTTPClient
import Foundation
import Testing

/// Secrets Manager round trips against a real `moto_server` (MERCATO_TEST_SECRETS_ENDPOINT). Every
/// test uses its own secret names, so tests run in parallel and need no reset between runs.
@Suite("Secrets Manager against moto", .enabled(if: TestServices.secretsEnabled))
struct SecretsManagerIntegrationTests {
    static func client() throws -> SecretsManagerClient {
        let endpoint = try #require(
            TestServices.secretsEndpoint, TestServices.missing("MERCATO_TEST_SECRETS_ENDPOINT"))
        return try SecretsManagerClient(
            region: "us-east-1", endpoint: endpoint,
            credentials: AWSCredentials(accessKeyID: "test", secretAccessKey: "test"),
            httpClient: HTTPClient.shared)
    }

    static func uniqueName() -> String { "mercato/test/\(UUID().uuidString.lowercased())" }

    @Test("A created secret reads back with its name, ARN, version and text")
    func createAndRead() async throws {
        // setup
        let client = try Self.client()
        let name = Self.uniqueName()
        let json = #"{"databasePassword":"s3cr3t","adminToken":"tok"}"#
        let arn = try await client.createSecret(name: name, string: json, description: "test")
        // MUT
        let value = try await client.getSecretValue(secretID: name)
        // validate
        #expect(value.name == name)
        #expect(value.arn == arn)
        #expect(value.string == json)
        #expect(value.binary == nil)
        #expect(value.versionID?.isEmpty == false)
        #expect(!value.description.contains("s3cr3t"))
    }

    @Test("PutSecretValue makes the new text current; the ARN also addresses the secret")
    func putNewVersion() async throws {
        let client = try Self.client()
        let name = Self.uniqueName()
        let arn = try await client.createSecret(name: name, string: "first")
        let version = try await client.putSecretValue(secretID: name, string: "second")

        let byName = try await client.getSecretValue(secretID: name)
        let byARN = try await client.getSecretValue(secretID: arn)
        #expect(byName.string == "second")
        #expect(byName.versionID == version)
        #expect(byARN.string == "second")
    }

    @Test("A missing secret is a typed ResourceNotFound error")
    func missingSecret() async throws {
        let client = try Self.client()
        let name = Self.uniqueName()
        await #expect(throws: SecretsManagerError.self) {
            _ = try await client.getSecretValue(secretID: name)
        }
        do {
            _ = try await client.getSecretValue(secretID: name)
            Issue.record("reading a missing secret succeeded")
        } catch {
            guard case .resourceNotFound(let message) = error else {
                Issue.record("expected resourceNotFound, got \(error)")
                return
            }
            #expect(!message.isEmpty)
        }
    }

    @Test("Creating a name twice is a typed ResourceExists error")
    func duplicateName() async throws {
        let client = try Self.client()
        let name = Self.uniqueName()
        try await client.createSecret(name: name, string: "one")
        do {
            try await client.createSecret(name: name, string: "two")
            Issue.record("creating a duplicate secret succeeded")
        } catch {
            guard case .resourceExists = error else {
                Issue.record("expected resourceExists, got \(error)")
                return
            }
        }
        let value = try await client.getSecretValue(secretID: name)
        #expect(value.string == "one")
    }

    @Test("An unreachable endpoint is a transport failure, not a missing secret")
    func unreachable() async throws {
        let client = try SecretsManagerClient(
            region: "us-east-1", endpoint: "http://127.0.0.1:9",
            credentials: AWSCredentials(accessKeyID: "test", secretAccessKey: "test"),
            httpClient: HTTPClient.shared, timeout: .seconds(2))
        do {
            _ = try await client.getSecretValue(secretID: "anything")
            Issue.record("an unreachable endpoint answered")
        } catch {
            guard case .aws(let underlying) = error else {
                Issue.record("expected a transport error, got \(error)")
                return
            }
            #expect(underlying.statusCode == nil)
        }
    }
}

@Suite struct SecretsManagerClientTests {
    @Test("Requests are JSON 1.1 POSTs to the regional endpoint named by X-Amz-Target")
    func requestShape() throws {
        let client = try SecretsManagerClient(
            region: "eu-west-1", credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret"),
            httpClient: HTTPClient.shared)
        #expect(client.endpoint.origin == "https://secretsmanager.eu-west-1.amazonaws.com")
        #expect(throws: AWSError.self) {
            _ = try SecretsManagerClient(
                region: "eu-west-1", endpoint: "ftp://nowhere",
                credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret"),
                httpClient: HTTPClient.shared)
        }
    }

    @Test("Service error codes map to typed cases")
    func errorMapping() {
        let notFound = SecretsManagerError(
            .service(code: "ResourceNotFoundException", message: "no", statusCode: 400, requestID: nil))
        #expect(notFound == .resourceNotFound(message: "no"))
        let denied = SecretsManagerError(
            .service(code: "AccessDeniedException", message: "denied", statusCode: 400, requestID: nil))
        #expect(denied == .accessDenied(message: "denied"))
        #expect(SecretsManagerError(.timeout) == .aws(.timeout))
    }
}
