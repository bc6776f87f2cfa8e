import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// Credentials from the ECS container credentials endpoint (task roles; also EKS Pod Identity).
///
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is a path on `http://169.254.170.2`, which the ECS agent
/// serves. Otherwise `AWS_CONTAINER_CREDENTIALS_FULL_URI` is a whole URL, accepted only over HTTPS or
/// to a loopback address, the ECS address or the EKS Pod Identity addresses (literal IPs or
/// `localhost`; other host names are refused rather than resolved), with an `Authorization` header
/// read from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read on every fetch, since it rotates) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`. The answer is
/// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}`.
public struct ContainerCredentialsProvider: AWSCredentialsProvider {
    /// The ECS agent's credentials origin.
    public static let defaultEndpoint = "http://169.254.170.2"
    /// Hosts a full URI may name over plain HTTP, besides loopback.
    static let allowedHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"]

    let environment: [String: String]
    let httpClient: HTTPClient
    let relativeURIEndpoint: String
    let timeout: Duration

    /// - Parameters:
    ///   - relativeURIEndpoint: the origin the relative URI is appended to; only tests change it.
    ///   - timeout: the limit for one fetch (the agent is local: a few seconds at most).
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient,
        relativeURIEndpoint: String = Self.defaultEndpoint,
        timeout: Duration = .seconds(5)
    ) {
        self.environment = environment
        self.httpClient = httpClient
        self.relativeURIEndpoint = relativeURIEndpoint
        self.timeout = timeout
    }

    public func credentials() async throws(AWSError) -> AWSCredentials {
        let url = try resolveURL()
        var headers: HTTPHeaders = ["Accept": "application/json"]
        // The authorization token belongs to the full URI (EKS Pod Identity, custom agents) only.
        if value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") == nil, let token = try authorizationToken() {
            headers.add(name: "Authorization", value: token)
        }
        let origin = "the container credentials endpoint \(Self.redacted(url))"
        let answer = try await CredentialsEndpoint.send(
            url, headers: headers, httpClient: httpClient, timeout: timeout)
        guard answer.status == .ok else { throw CredentialsEndpoint.failure(answer, from: origin) }
        return try CredentialsEndpoint.decodeCredentials(answer.body, origin: origin)
    }

    /// The URL a fetch goes to, from the environment.
    ///
    /// - Throws: ``AWSError/missingCredentials(_:)`` when neither variable is set, and
    ///   ``AWSError/invalidRequest(_:)`` for a full URI that is not allowed.
    public func resolveURL() throws(AWSError) -> String {
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return relativeURIEndpoint + (relative.hasPrefix("/") ? relative : "/" + relative)
        }
        guard let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
            throw .missingCredentials(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set")
        }
        guard let components = URLComponents(string: full), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased(), !host.isEmpty
        else {
            throw .invalidRequest("AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL")
        }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        guard scheme == "https" || (scheme == "http" && Self.isAllowedPlainHost(bare)) else {
            throw .invalidRequest(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https or name a loopback, ECS or EKS address, got \(host)"
            )
        }
        return full
    }

    private func authorizationToken() throws(AWSError) -> String? {
        var token: String?
        if let path = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            do {
                token = try String(contentsOfFile: path, encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw .invalidRequest("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(path) cannot be read")
            }
        } else {
            token = value("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        }
        guard let token, !token.isEmpty else { return nil }
        guard !token.contains("\r"), !token.contains("\n") else {
            throw .invalidRequest("the container authorization token contains a line break")
        }
        return token
    }

    static func isAllowedPlainHost(_ host: String) -> Bool {
        if allowedHosts.contains(host) || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// The URL without its query (which could carry a credential).
    static func redacted(_ url: String) -> String {
        url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    }

    private func value(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}
