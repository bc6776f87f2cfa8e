import AWSClient
import AsyncHTTPClient

/// The secrets port on AWS Secrets Manager (or moto), signed with the standard AWS credential variables.
struct AWSSecretStore: SecretStore {
    let client: SecretsManagerClient

    /// - Throws: `SecretStoreError.unavailable` when credentials are missing or the endpoint is malformed.
    init(settings: SecretsSettings, variables: [String: String], httpClient: HTTPClient = .shared)
        throws(SecretStoreError)
    {
        do {
            client = try SecretsManagerClient(
                region: settings.region, endpoint: settings.endpoint,
                credentials: try AWSCredentials.fromEnvironment(variables), httpClient: httpClient,
                timeout: .seconds(Int64(settings.timeoutSeconds)))
        } catch {
            throw .unavailable("Secrets Manager is not usable: \(error)")
        }
    }

    func secretString(named name: String) async throws(SecretStoreError) -> String {
        let value: SecretValue
        do {
            value = try await client.getSecretValue(secretID: name)
        } catch .resourceNotFound {
            throw .notFound
        } catch {
            throw .unavailable("Secrets Manager at \(client.endpoint): \(error)")
        }
        guard let text = value.string else { throw .notText }
        return text
    }
}
