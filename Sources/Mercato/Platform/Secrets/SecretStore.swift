/// The secrets port: where `${secret:…}` configuration references are looked up at boot.
///
/// Environment variables stay the default source of configuration; a store is only consulted for
/// values that reference a secret. The production adapter is AWS Secrets Manager (`AWSSecretStore`).
protocol SecretStore: Sendable {
    /// The whole text of the current version of the secret `name`.
    func secretString(named name: String) async throws(SecretStoreError) -> String
}

/// Why a secret could not be read, phrased for an operator fixing the deployment.
enum SecretStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The store answered that no such secret exists.
    case notFound
    /// The secret exists but holds bytes, not text.
    case notText
    /// The store refused or could not be reached; the reason says which.
    case unavailable(String)

    var description: String {
        switch self {
        case .notFound: "does not exist"
        case .notText: "holds binary data, not text"
        case .unavailable(let reason): "could not be read: \(reason)"
        }
    }
}
