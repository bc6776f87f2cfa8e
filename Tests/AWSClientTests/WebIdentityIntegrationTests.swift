import AWSClient
import AsyncHTTPClient
import Foundation
import Testing

/// Web identity credentials from STS `AssumeRoleWithWebIdentity` on a real `moto_server` (the one
/// MERCATO_TEST_SECRETS_ENDPOINT names; moto accepts any token and role ARN), then used to call
/// Secrets Manager on it.
@Suite("Web identity credentials against moto STS", .enabled(if: TestServices.stsEnabled))
struct WebIdentityIntegrationTests {
    static func environment(tokenFile: URL) throws -> [String: String] {
        let endpoint = try #require(TestServices.stsEndpoint, TestServices.missing("MERCATO_TEST_SECRETS_ENDPOINT"))
        return [
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path,
            "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/mercato-eks",
            "AWS_ROLE_SESSION_NAME": "mercato-test",
            "AWS_ENDPOINT_URL_STS": endpoint,
            "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
    }

    @Test("The chain assumes the role and returns temporary credentials with an expiry")
    func assumeRole() async throws {
        let tokenFile = try CredentialServers.temporaryFile("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtZXJjYXRvIn0.c2ln\n")
        defer { try? FileManager.default.removeItem(at: tokenFile) }
        let provider = CachingCredentialsProvider.defaultChain(
            environment: try Self.environment(tokenFile: tokenFile), httpClient: .shared)
        let credentials = try await provider.credentials()
        #expect(!credentials.accessKeyID.isEmpty)
        #expect(!credentials.secretAccessKey.isEmpty)
        #expect(credentials.sessionToken?.isEmpty == false)
        let expiration = try #require(credentials.expiration)
        #expect(expiration > Date())
        let again = try await provider.credentials()
        #expect(again == credentials, "far from expiry: cached")

        let endpoint = try #require(TestServices.secretsEndpoint)
        let client = try SecretsManagerClient(
            region: "us-east-1", endpoint: endpoint, credentialsProvider: provider, httpClient: .shared)
        let name = "mercato/test/web-identity-\(UUID().uuidString.lowercased())"
        try await client.createSecret(name: name, string: "value")
        let secret = try await client.getSecretValue(secretID: name)
        #expect(secret.string == "value")
    }
}
