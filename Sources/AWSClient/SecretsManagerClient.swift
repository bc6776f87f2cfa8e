import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A client for the AWS Secrets Manager operations Mercato needs: reading a secret at boot, and
/// creating or updating one (setup scripts and tests).
///
/// Secrets Manager speaks the JSON 1.1 protocol: every call is a `POST /` whose operation is named by
/// the `X-Amz-Target` header and whose arguments are a JSON body. The `HTTPClient` is borrowed; the
/// caller shuts it down.
public struct SecretsManagerClient: Sendable {
    /// Where the client sends requests.
    public let endpoint: AWSEndpoint
    /// The region every request is signed for.
    public let region: String
    let core: AWSServiceClient

    /// Creates a client signing with fixed `credentials`.
    ///
    /// - Parameters:
    ///   - endpoint: `http(s)://host[:port]` of an emulator such as moto; `nil` means AWS itself,
    ///     `https://secretsmanager.<region>.amazonaws.com`.
    /// - Throws: ``AWSError/invalidRequest(_:)`` for a malformed endpoint or an empty region.
    public init(
        region: String,
        endpoint: String? = nil,
        credentials: AWSCredentials,
        httpClient: HTTPClient,
        timeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "AWSClient.SecretsManager")
    ) throws(AWSError) {
        try self.init(
            region: region, endpoint: endpoint, credentialsProvider: StaticCredentialsProvider(credentials),
            httpClient: httpClient, timeout: timeout, logger: logger)
    }

    /// Creates a client asking `credentialsProvider` for credentials on every request.
    ///
    /// - Throws: ``AWSError/invalidRequest(_:)`` for a malformed endpoint or an empty region.
    public init(
        region: String,
        endpoint: String? = nil,
        credentialsProvider: any AWSCredentialsProvider,
        httpClient: HTTPClient,
        timeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "AWSClient.SecretsManager")
    ) throws(AWSError) {
        guard !region.isEmpty else { throw .invalidRequest("region must not be empty") }
        self.region = region
        if let endpoint {
            self.endpoint = try AWSEndpoint(url: endpoint)
        } else {
            let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
            self.endpoint = AWSEndpoint(scheme: "https", host: "secretsmanager.\(region).\(suffix)")
        }
        self.core = AWSServiceClient(
            httpClient: httpClient,
            signer: SigV4Signer(
                credentials: AWSCredentials.placeholder, region: region, service: "secretsmanager", options: .standard),
            credentialsProvider: credentialsProvider,
            errorFormat: .json,
            timeout: timeout,
            // A secret holds at most 64 KiB; anything far larger is not a Secrets Manager answer.
            maximumResponseBytes: 1024 * 1024,
            logger: logger
        )
    }

    /// Reads the current version (`AWSCURRENT`) of a secret.
    ///
    /// - Parameter secretID: the secret's name (`mercato/production/app`) or ARN.
    /// - Throws: ``SecretsManagerError`` when the service refuses (the secret doesn't exist, is
    ///   scheduled for deletion, access is denied…), or the transport ``AWSError`` wrapped in
    ///   ``SecretsManagerError/aws(_:)`` when it could not be reached.
    public func getSecretValue(secretID: String) async throws(SecretsManagerError) -> SecretValue {
        let object = try await call("GetSecretValue", ["SecretId": secretID])
        guard let name = object["Name"] as? String, let arn = object["ARN"] as? String else {
            throw .aws(.invalidResponse("GetSecretValue answer lacks Name or ARN"))
        }
        var binary: [UInt8]?
        if let base64 = object["SecretBinary"] as? String {
            guard let data = Data(base64Encoded: base64) else {
                throw .aws(.invalidResponse("SecretBinary of \(name) is not base64"))
            }
            binary = Array(data)
        }
        return SecretValue(
            name: name, arn: arn, versionID: object["VersionId"] as? String,
            string: object["SecretString"] as? String, binary: binary)
    }

    /// Creates a secret holding `string` and returns its ARN.
    ///
    /// - Throws: ``SecretsManagerError/resourceExists(message:)`` when the name is taken.
    @discardableResult
    public func createSecret(name: String, string: String, description: String? = nil)
        async throws(SecretsManagerError) -> String
    {
        var arguments: [String: Any] = ["Name": name, "SecretString": string]
        if let description { arguments["Description"] = description }
        let object = try await call("CreateSecret", arguments)
        guard let arn = object["ARN"] as? String else {
            throw .aws(.invalidResponse("CreateSecret answer lacks ARN"))
        }
        return arn
    }

    /// Stores `string` as the new current version of an existing secret and returns the version id.
    @discardableResult
    public func putSecretValue(secretID: String, string: String) async throws(SecretsManagerError) -> String? {
        let object = try await call("PutSecretValue", ["SecretId": secretID, "SecretString": string])
        return object["VersionId"] as? String
    }

    /// Sends one JSON 1.1 operation and returns the decoded answer object.
    private func call(_ operation: String, _ arguments: [String: Any]) async throws(SecretsManagerError)
        -> [String: Any]
    {
        let body: Data
        do {
            body = try JSONSerialization.data(withJSONObject: arguments, options: [.sortedKeys])
        } catch {
            throw .aws(.invalidRequest("\(operation) arguments are not JSON: \(error)"))
        }
        var headers: HTTPHeaders = [:]
        headers.add(name: "Content-Type", value: "application/x-amz-json-1.1")
        headers.add(name: "X-Amz-Target", value: "secretsmanager.\(operation)")
        let request = AWSHTTPRequest(
            endpoint: endpoint, method: .POST, path: "/", headers: headers, body: ByteBuffer(bytes: body))
        let response: AWSHTTPResponse
        do {
            response = try await core.execute(request)
        } catch {
            throw SecretsManagerError(error)
        }
        let data = Data(response.body.readableBytesView)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .aws(.invalidResponse("\(operation) answer is not a JSON object"))
        }
        return object
    }
}

/// One version of a secret as Secrets Manager returns it: text (`SecretString`) or bytes (`SecretBinary`).
///
/// `description` never shows the secret material.
public struct SecretValue: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The secret's friendly name.
    public var name: String
    /// The secret's ARN.
    public var arn: String
    /// The version read.
    public var versionID: String?
    /// The secret text, when the secret was stored as a string.
    public var string: String?
    /// The secret bytes, when the secret was stored as binary.
    public var binary: [UInt8]?

    /// Creates a value.
    public init(name: String, arn: String, versionID: String?, string: String?, binary: [UInt8]?) {
        self.name = name
        self.arn = arn
        self.versionID = versionID
        self.string = string
        self.binary = binary
    }

    /// The name and version, with the material redacted.
    public var description: String {
        "SecretValue(name: \(name), versionID: \(versionID ?? "nil"), <redacted>)"
    }

    /// Exposes no material, so `dump` and debuggers cannot print it either.
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "arn": arn], displayStyle: .struct)
    }
}

/// Why a Secrets Manager call failed, with the service's documented error codes typed so callers can
/// tell "no such secret" from "not allowed" from "unreachable".
public enum SecretsManagerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `ResourceNotFoundException`: no secret (or version) by that id.
    case resourceNotFound(message: String)
    /// `ResourceExistsException`: a secret with that name already exists.
    case resourceExists(message: String)
    /// `InvalidRequestException`: for example the secret is scheduled for deletion.
    case invalidRequest(message: String)
    /// `InvalidParameterException`: an argument is malformed.
    case invalidParameter(message: String)
    /// `DecryptionFailure`: the KMS key could not decrypt the secret.
    case decryptionFailure(message: String)
    /// `AccessDeniedException` (and signature or token rejections): the credentials may not read it.
    case accessDenied(message: String)
    /// Any other failure: another service error code, a timeout, or no answer at all.
    case aws(AWSError)

    /// Types a core ``AWSError`` by its Secrets Manager error code.
    public init(_ error: AWSError) {
        guard case .service(let code, let message, _, _) = error else {
            self = .aws(error)
            return
        }
        switch code {
        case "ResourceNotFoundException": self = .resourceNotFound(message: message)
        case "ResourceExistsException": self = .resourceExists(message: message)
        case "InvalidRequestException": self = .invalidRequest(message: message)
        case "InvalidParameterException": self = .invalidParameter(message: message)
        case "DecryptionFailure": self = .decryptionFailure(message: message)
        case "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException",
            "ExpiredTokenException":
            self = .accessDenied(message: message)
        default: self = .aws(error)
        }
    }

    /// A one-line explanation; it never contains secret material.
    public var description: String {
        switch self {
        case .resourceNotFound(let message): "secret not found: \(message)"
        case .resourceExists(let message): "secret already exists: \(message)"
        case .invalidRequest(let message): "invalid request: \(message)"
        case .invalidParameter(let message): "invalid parameter: \(message)"
        case .decryptionFailure(let message): "decryption failed: \(message)"
        case .accessDenied(let message): "access denied: \(message)"
        case .aws(let error): error.description
        }
    }
}
