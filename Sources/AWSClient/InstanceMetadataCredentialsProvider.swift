import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// Credentials of the EC2 instance profile, through the instance metadata service, version 2.
///
/// A session token is obtained with `PUT /latest/api/token` (`X-aws-ec2-metadata-token-ttl-seconds`),
/// then `GET /latest/meta-data/iam/security-credentials/` names the role and
/// `GET /latest/meta-data/iam/security-credentials/ROLE` returns
/// `{"Code": "Success", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"}`; both GETs carry the
/// token in `X-aws-ec2-metadata-token`. IMDSv1 (no token) is not used.
///
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` overrides `http://169.254.169.254`, and
/// `AWS_EC2_METADATA_DISABLED=true` turns the source off, as in the SDKs. When the token request gets
/// no answer (not on EC2) the source counts as not configured.
public struct InstanceMetadataCredentialsProvider: AWSCredentialsProvider {
    /// The IPv4 metadata endpoint.
    public static let defaultEndpoint = "http://169.254.169.254"
    static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    let environment: [String: String]
    let httpClient: HTTPClient
    let timeout: Duration
    let tokenTTLSeconds: Int

    /// - Parameter timeout: the limit per request; short, as off EC2 nothing answers.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient,
        timeout: Duration = .seconds(1),
        tokenTTLSeconds: Int = 21_600
    ) {
        self.environment = environment
        self.httpClient = httpClient
        self.timeout = timeout
        self.tokenTTLSeconds = tokenTTLSeconds
    }

    /// The endpoint in use, without a trailing slash.
    public var endpoint: String {
        var endpoint =
            environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.defaultEndpoint
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        return endpoint
    }

    public func credentials() async throws(AWSError) -> AWSCredentials {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" {
            throw .missingCredentials("AWS_EC2_METADATA_DISABLED is true")
        }
        let token = try await sessionToken()
        let headers: HTTPHeaders = ["X-aws-ec2-metadata-token": token]
        let listing = try await CredentialsEndpoint.send(
            endpoint + Self.credentialsPath, headers: headers, httpClient: httpClient, timeout: timeout)
        if listing.status == .notFound {
            throw .missingCredentials("the instance at \(endpoint) has no instance profile (IAM role)")
        }
        guard listing.status == .ok else {
            throw CredentialsEndpoint.failure(listing, from: "the instance metadata role listing at \(endpoint)")
        }
        guard
            let role = listing.body.split(whereSeparator: \.isNewline).first
                .map({ $0.trimmingCharacters(in: .whitespaces) }), !role.isEmpty
        else {
            throw .missingCredentials("the instance at \(endpoint) lists no IAM role")
        }
        let origin = "the instance metadata credentials of role \(role) at \(endpoint)"
        let encodedRole = URIEncoding.encode(role)
        let answer = try await CredentialsEndpoint.send(
            endpoint + Self.credentialsPath + encodedRole, headers: headers, httpClient: httpClient,
            timeout: timeout)
        guard answer.status == .ok else { throw CredentialsEndpoint.failure(answer, from: origin) }
        return try CredentialsEndpoint.decodeCredentials(answer.body, origin: origin)
    }

    /// The IMDSv2 session token. No answer, or a refusal of the PUT (IMDS disabled, a hop limit),
    /// means there is no usable metadata service here.
    private func sessionToken() async throws(AWSError) -> String {
        let answer: CredentialsEndpoint.Answer
        do {
            answer = try await CredentialsEndpoint.send(
                endpoint + "/latest/api/token", method: .PUT,
                headers: ["X-aws-ec2-metadata-token-ttl-seconds": String(tokenTTLSeconds)],
                httpClient: httpClient, timeout: timeout)
        } catch .cancelled {
            throw .cancelled
        } catch {
            throw .missingCredentials("no instance metadata service answered at \(endpoint) (\(error))")
        }
        guard answer.status == .ok else {
            throw .missingCredentials("the instance metadata service at \(endpoint) refused a token: \(answer.status)")
        }
        let token = answer.body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains("\r"), !token.contains("\n") else {
            throw .invalidResponse("the instance metadata service at \(endpoint) answered an unusable token")
        }
        return token
    }
}
