import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// Credentials for a role assumed with a web identity token (EKS service accounts): the token in
/// `AWS_WEB_IDENTITY_TOKEN_FILE` is exchanged for the role `AWS_ROLE_ARN` through STS
/// `AssumeRoleWithWebIdentity`.
///
/// The call is an unsigned query-protocol `POST` (`Action`, `Version=2011-06-15`, `RoleArn`,
/// `RoleSessionName`, `WebIdentityToken`) answered with XML whose `Credentials` element holds
/// `AccessKeyId`, `SecretAccessKey`, `SessionToken` and `Expiration`. The token file is re-read on
/// every fetch because the kubelet rotates it.
///
/// STS is `https://sts.<AWS_REGION>.amazonaws.com` (the global `sts.amazonaws.com` without a region);
/// `AWS_ENDPOINT_URL_STS`, then `AWS_ENDPOINT_URL`, override it as in the SDKs. `AWS_ROLE_SESSION_NAME`
/// names the session.
public struct WebIdentityCredentialsProvider: AWSCredentialsProvider {
    let environment: [String: String]
    let httpClient: HTTPClient
    let timeout: Duration

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient,
        timeout: Duration = .seconds(10)
    ) {
        self.environment = environment
        self.httpClient = httpClient
        self.timeout = timeout
    }

    /// The STS origin requests go to.
    public var stsEndpoint: String {
        if let endpoint = value("AWS_ENDPOINT_URL_STS") ?? value("AWS_ENDPOINT_URL") {
            return endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        }
        guard let region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") else {
            return "https://sts.amazonaws.com"
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return "https://sts.\(region).\(suffix)"
    }

    public func credentials() async throws(AWSError) -> AWSCredentials {
        guard let tokenFile = value("AWS_WEB_IDENTITY_TOKEN_FILE") else {
            throw .missingCredentials("AWS_WEB_IDENTITY_TOKEN_FILE is not set")
        }
        guard let roleARN = value("AWS_ROLE_ARN") else {
            throw .invalidRequest("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not")
        }
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw .invalidRequest("AWS_WEB_IDENTITY_TOKEN_FILE \(tokenFile) cannot be read")
        }
        guard !token.isEmpty else { throw .invalidRequest("AWS_WEB_IDENTITY_TOKEN_FILE \(tokenFile) is empty") }
        let sessionName = value("AWS_ROLE_SESSION_NAME") ?? "mercato-\(Int(Date().timeIntervalSince1970))"
        let form = URIEncoding.canonicalQuery([
            (name: "Action", value: "AssumeRoleWithWebIdentity"),
            (name: "Version", value: "2011-06-15"),
            (name: "RoleArn", value: roleARN),
            (name: "RoleSessionName", value: sessionName),
            (name: "WebIdentityToken", value: token),
        ])
        let answer = try await CredentialsEndpoint.send(
            stsEndpoint + "/", method: .POST,
            headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"], body: form,
            httpClient: httpClient, timeout: timeout)
        guard answer.status == .ok else {
            let fields = AWSErrorDecoding.xmlFields(answer.body)
            throw .service(
                code: fields.code ?? "HTTP\(answer.status.code)",
                message: "STS AssumeRoleWithWebIdentity for \(roleARN) at \(stsEndpoint): "
                    + (fields.message ?? "\(answer.status)"),
                statusCode: Int(answer.status.code), requestID: fields.requestID)
        }
        return try Self.decode(answer.body, origin: "STS at \(stsEndpoint)")
    }

    /// Reads the `Credentials` element of an `AssumeRoleWithWebIdentityResponse`.
    static func decode(_ document: String, origin: String) throws(AWSError) -> AWSCredentials {
        guard let credentials = XMLText.firstElementRaw("Credentials", in: document),
            let accessKeyID = XMLText.firstElement("AccessKeyId", in: credentials), !accessKeyID.isEmpty,
            let secret = XMLText.firstElement("SecretAccessKey", in: credentials), !secret.isEmpty
        else {
            throw .invalidResponse("\(origin) answered without Credentials/AccessKeyId/SecretAccessKey")
        }
        var expiration: Date?
        if let text = XMLText.firstElement("Expiration", in: credentials) {
            guard let date = CredentialsEndpoint.parseTimestamp(text) else {
                throw .invalidResponse("\(origin) answered an unreadable Expiration \(text)")
            }
            expiration = date
        }
        return AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret,
            sessionToken: XMLText.firstElement("SessionToken", in: credentials), expiration: expiration)
    }

    private func value(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}
