import Foundation
import MercatoTestSupport
import NIOHTTP1

/// Local stand-ins for the credential services that exist only inside AWS, answering the documented
/// requests with the documented JSON: the ECS container credentials endpoint and EC2 IMDSv2. Every
/// fetch answers new keys (numbered by arrival), so a test sees whether a refresh happened.
enum CredentialServers {
    static let imdsToken = "imds-session-token-Zm9v"
    static let role = "mercato-instance-role"

    /// The ECS credentials document, expiring `expiresIn` seconds from now.
    static func credentialsJSON(_ id: String, expiresIn: TimeInterval, code: String? = nil) -> String {
        let expiration = Date().addingTimeInterval(expiresIn).formatted(.iso8601)
        let codeField = code.map {
            "\"Code\": \"\($0)\", \"LastUpdated\": \"2026-01-01T00:00:00Z\", \"Type\": \"AWS-HMAC\", "
        }
        return """
            {\(codeField ?? "")"AccessKeyId": "\(id)", "SecretAccessKey": "secret-\(id)", \
            "Token": "token-\(id)", "Expiration": "\(expiration)"}
            """
    }

    static func json(_ body: String, status: HTTPResponseStatus = .ok) -> RecordingHTTPServer.Reply {
        .respond(status: status, body: body)
    }

    /// The ECS agent: `GET path` with `Authorization: authorization` (when given) answers credentials
    /// `ECS<n>` expiring in `expiresIn` seconds; anything else is refused as the agent would.
    static func ecs(
        path: String, authorization: String? = nil, expiresIn: @escaping @Sendable (Int) -> TimeInterval
    ) -> @Sendable (RecordingHTTPServer.Request, Int) -> RecordingHTTPServer.Reply {
        { request, index in
            guard request.method == .GET, request.uri == path else {
                return json(#"{"code": "NotFound", "message": "no such credentials"}"#, status: .notFound)
            }
            if let authorization, request.headers.first(name: "Authorization") != authorization {
                return json(#"{"code": "AccessDenied", "message": "bad authorization"}"#, status: .unauthorized)
            }
            return json(credentialsJSON("ECS\(index)", expiresIn: expiresIn(index)))
        }
    }

    /// IMDSv2: `PUT /latest/api/token` with a TTL header gives a token; the role listing and the role's
    /// credentials need that token, and GETs without it are refused with 401.
    static func imds(
        expiresIn: @escaping @Sendable (Int) -> TimeInterval = { _ in 3600 }
    ) -> @Sendable (RecordingHTTPServer.Request, Int) -> RecordingHTTPServer.Reply {
        { request, index in
            let base = "/latest/meta-data/iam/security-credentials/"
            if request.uri == "/latest/api/token" {
                guard request.method == .PUT,
                    let ttl = request.headers.first(name: "X-aws-ec2-metadata-token-ttl-seconds").flatMap(Int.init),
                    (1...21_600).contains(ttl)
                else { return .respond(status: .badRequest, body: "") }
                return .respond(status: .ok, body: imdsToken)
            }
            guard request.method == .GET else { return .respond(status: .methodNotAllowed, body: "") }
            guard request.headers.first(name: "X-aws-ec2-metadata-token") == imdsToken else {
                return .respond(status: .unauthorized, body: "")
            }
            switch request.uri {
            case base: return .respond(status: .ok, body: role)
            case base + role: return json(credentialsJSON("IMDS\(index)", expiresIn: expiresIn(index), code: "Success"))
            default: return .respond(status: .notFound, body: "")
            }
        }
    }

    /// STS `AssumeRoleWithWebIdentity`: checks the form and answers the documented XML.
    static func sts(roleARN: String, token: String)
        -> @Sendable (RecordingHTTPServer.Request, Int) -> RecordingHTTPServer.Reply
    {
        { request, index in
            let form = Dictionary(
                request.body.split(separator: "&").map { pair -> (String, String) in
                    let parts = pair.split(separator: "=", maxSplits: 1).map {
                        String($0).removingPercentEncoding ?? String($0)
                    }
                    return (parts[0], parts.count > 1 ? parts[1] : "")
                }, uniquingKeysWith: { $1 })
            guard request.method == .POST, form["Action"] == "AssumeRoleWithWebIdentity",
                form["Version"] == "2011-06-15", form["RoleArn"] == roleARN, form["WebIdentityToken"] == token,
                form["RoleSessionName"]?.isEmpty == false, request.headers.first(name: "Authorization") == nil
            else {
                return .respond(
                    status: .badRequest,
                    body: "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
                        + "<Message>rejected</Message></Error><RequestId>req-1</RequestId></ErrorResponse>")
            }
            // STS writes microseconds, as moto does: 2026-12-02T07:06:13.730219Z.
            let expiration = Date().addingTimeInterval(3600).formatted(.iso8601).dropLast() + ".730219Z"
            return .respond(
                status: .ok,
                body: """
                    <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                      <AssumeRoleWithWebIdentityResult>
                        <Credentials>
                          <SessionToken>token&amp;\(index)</SessionToken>
                          <SecretAccessKey>secret-sts</SecretAccessKey>
                          <Expiration>\(expiration)</Expiration>
                          <AccessKeyId>ASIASTS\(index)</AccessKeyId>
                        </Credentials>
                      </AssumeRoleWithWebIdentityResult>
                    </AssumeRoleWithWebIdentityResponse>
                    """)
        }
    }

    /// A file holding `contents`, removed by the caller.
    static func temporaryFile(_ contents: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mercato-creds-\(UUID().uuidString)")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
