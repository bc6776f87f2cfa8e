import AWSClient
import AsyncHTTPClient
import Foundation
import MercatoTestSupport
import Testing

extension TestServices {
    /// A `moto_server` serving Secrets Manager, e.g. `http://127.0.0.1:45100`.
    static var secretsEndpoint: String? { ServiceEnvironment.value("MERCATO_TEST_SECRETS_ENDPOINT") }
    static var secretsEnabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_SECRETS_ENDPOINT") }

    /// The variables a process needs to resolve `${secret:…}` against the test moto server.
    static func secretsVariables() throws -> [String: String] {
        let endpoint = try #require(
            secretsEndpoint, "MERCATO_REQUIRE_SERVICES=1 but MERCATO_TEST_SECRETS_ENDPOINT is not set")
        return [
            "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "MERCATO_SECRETS_ENDPOINT": endpoint,
            "MERCATO_SECRETS_REGION": "us-east-1",
        ]
    }

    /// Creates a secret with a unique name on the test moto server and returns the name.
    static func createSecret(_ text: String) async throws -> String {
        let endpoint = try #require(
            secretsEndpoint, "MERCATO_REQUIRE_SERVICES=1 but MERCATO_TEST_SECRETS_ENDPOINT is not set")
        let client = try SecretsManagerClient(
            region: "us-east-1", endpoint: endpoint,
            credentials: AWSCredentials(accessKeyID: "test", secretAccessKey: "test"), httpClient: .shared)
        let name = "mercato/test-\(UUID().uuidString.lowercased().prefix(12))/app"
        try await client.createSecret(name: name, string: text)
        return name
    }
}
