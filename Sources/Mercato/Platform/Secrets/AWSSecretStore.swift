import AWSClient
import AsyncHTTPClient

/// The secrets port on AWS Secrets Manager (or moto), signed with the process's AWS credentials chain
/// (`AWSCredentialsSetup`): environment keys, the ECS task role, web identity or the instance profile.
struct AWSSecretStore: SecretStore {
    let client: SecretsManagerClient

    /// - Parameter credentials: `nil` means the chain for `variables` (the shared one for the process
    ///   environment). Missing credentials surface on the first read, naming every source tried.
    /// - Throws: `SecretStoreError.unavailable` when the endpoint is malformed.
    init(
        settings: SecretsSettings, variables: [String: String], httpClient: HTTPClient = .shared,
        credentials: (any AWSCredentialsProvider)? = nil
    ) throws(SecretStoreError) {
        do {
            client = try SecretsManagerClient(
                region: settings.region, endpoint: settings.endpoint,
                credentialsProvider: credentials ?? AWSCredentialsSetup.provider(for: variables),
                httpClient: httpClient,
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
