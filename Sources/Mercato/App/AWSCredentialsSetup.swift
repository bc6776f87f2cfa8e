import AWSClient
import AsyncHTTPClient
import Foundation
import Logging
import Vapor

/// The AWS credentials of the process: one chain (environment keys, the ECS task role, web identity,
/// the EC2 instance profile) behind one cache, shared by the secret store that resolves settings and
/// by every AWS adapter (S3 storage, the SES mailer), so temporary credentials are fetched once and
/// refreshed before they expire for all of them.
enum AWSCredentialsSetup {
    /// Created on first use from the process environment. It uses `HTTPClient.shared`, which lives as
    /// long as the process, because the chain outlives any one `Application`.
    static let shared = CachingCredentialsProvider.defaultChain(
        environment: ProcessInfo.processInfo.environment, httpClient: .shared)

    /// ``shared`` for the process environment; a chain of its own for an injected one (tests, and
    /// commands given other variables), so injected variables are honoured.
    static func provider(for variables: [String: String]) -> any AWSCredentialsProvider {
        if variables == ProcessInfo.processInfo.environment {
            return shared
        }
        return CachingCredentialsProvider.defaultChain(environment: variables, httpClient: .shared)
    }
}

extension Application {
    private struct AWSCredentialsKey: StorageKey {
        typealias Value = any AWSCredentialsProvider
    }

    /// What every AWS client of the application signs with; `AdapterSetup` sets the shared chain.
    var awsCredentials: any AWSCredentialsProvider {
        get { storage[AWSCredentialsKey.self] ?? AWSCredentialsSetup.shared }
        set { storage[AWSCredentialsKey.self] = newValue }
    }
}

/// Fetches the credentials once the application has booted, so that a missing task role or key is
/// logged at start-up, naming every source tried, rather than first seen on an upload or an email.
/// It also warms the shared cache. Only the redacted description is logged, never a secret.
struct AWSCredentialsCheck: LifecycleHandler {
    let provider: any AWSCredentialsProvider
    let logger: Logger

    func didBootAsync(_ application: Application) async throws {
        do {
            let credentials = try await provider.credentials()
            logger.info("AWS credentials available: \(credentials)")
        } catch {
            logger.error("AWS credentials unavailable, S3 and SES calls will fail: \(error)")
        }
    }
}
