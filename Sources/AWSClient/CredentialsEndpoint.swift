import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The plain, unsigned HTTP the credential sources speak (ECS agent, IMDS, STS), and the JSON
/// credentials document ECS and IMDS both answer with.
enum CredentialsEndpoint {
    struct Answer {
        var status: HTTPResponseStatus
        var body: String
    }

    /// Sends one request and reads its (small) body. Nothing here is logged: bodies hold secrets.
    static func send(
        _ url: String, method: HTTPMethod = .GET, headers: HTTPHeaders = [:], body: String? = nil,
        httpClient: HTTPClient, timeout: Duration
    ) async throws(AWSError) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
        }
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
            let bytes = try await response.body.collect(upTo: 256 * 1024)
            return Answer(status: response.status, body: String(buffer: bytes))
        } catch {
            throw AWSServiceClient.map(error, maximumResponseBytes: 256 * 1024)
        }
    }

    /// The document `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}`; IMDS adds `"Code"`.
    private struct Document: Decodable {
        var Code: String?
        var Message: String?
        var AccessKeyId: String?
        var SecretAccessKey: String?
        var Token: String?
        var Expiration: String?
    }

    /// Decodes the credentials document; `origin` names the source in errors (never the body).
    static func decodeCredentials(_ body: String, origin: String) throws(AWSError) -> AWSCredentials {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(body.utf8))
        } catch {
            throw .invalidResponse("\(origin) did not answer with a credentials JSON document")
        }
        if let code = document.Code, code != "Success" {
            throw .invalidResponse("\(origin) answered Code \(code): \(document.Message ?? "no message")")
        }
        guard let accessKeyID = document.AccessKeyId, !accessKeyID.isEmpty,
            let secret = document.SecretAccessKey, !secret.isEmpty
        else {
            throw .invalidResponse("\(origin) answered without AccessKeyId or SecretAccessKey")
        }
        var expiration: Date?
        if let text = document.Expiration {
            guard let date = parseTimestamp(text) else {
                throw .invalidResponse("\(origin) answered an unreadable Expiration \(text)")
            }
            expiration = date
        }
        return AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret,
            sessionToken: document.Token.flatMap { $0.isEmpty ? nil : $0 }, expiration: expiration)
    }

    /// An ISO 8601 timestamp, with any number of fractional-second digits (`2016-02-25T06:03:31Z`,
    /// STS's `2026-12-02T07:06:13.730219Z`).
    static func parseTimestamp(_ text: String) -> Date? {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var fraction: TimeInterval = 0
        if let dot = trimmed.firstIndex(of: ".") {
            let start = trimmed.index(after: dot)
            let end = trimmed[start...].firstIndex { !$0.isASCII || !$0.isNumber } ?? trimmed.endIndex
            guard start < end, let value = Double("0." + trimmed[start..<end]) else { return nil }
            fraction = value
            trimmed.removeSubrange(dot..<end)
        }
        return (try? Date(trimmed, strategy: .iso8601)).map { $0.addingTimeInterval(fraction) }
    }

    /// A short, secret-free explanation of a non-2xx answer: its status and, when the body is a small
    /// JSON error (`{"code": …, "message": …}`), those fields.
    static func failure(_ answer: Answer, from origin: String) -> AWSError {
        var detail = ""
        if let object = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any] {
            let code = (object["code"] ?? object["Code"]) as? String
            let message = (object["message"] ?? object["Message"]) as? String
            detail = [code, message].compactMap { $0 }.joined(separator: ": ")
        }
        return .service(
            code: "HTTP\(answer.status.code)",
            message: "\(origin) answered \(answer.status)"
                + (detail.isEmpty ? "" : " (\(detail))"), statusCode: Int(answer.status.code), requestID: nil)
    }
}
