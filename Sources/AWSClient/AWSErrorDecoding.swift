import Foundation
import NIOCore
import NIOHTTP1

/// How a service encodes its error responses, which decides how
/// ``AWSError/service(code:message:statusCode:requestID:)`` is filled in.
public enum AWSErrorFormat: Sendable, Hashable {
    /// `<Error><Code>…</Code><Message>…</Message><RequestId>…</RequestId></Error>`, as S3 sends it, or
    /// wrapped in `<ErrorResponse>` as the query protocol (SES v1, STS, IAM) sends it.
    case xml
    /// `{"__type": "…#Code", "message": "…"}` with an optional `x-amzn-ErrorType` header, as the JSON
    /// and REST-JSON protocols (SES v2, Secrets Manager, ECS) send it.
    case json
}

/// Turns a non-2xx response into an ``AWSError``.
enum AWSErrorDecoding {
    static func error(
        status: HTTPResponseStatus,
        headers: HTTPHeaders,
        body: ByteBuffer?,
        format: AWSErrorFormat
    ) -> AWSError {
        let text = body.map { String(buffer: $0) } ?? ""
        let fields: (code: String?, message: String?, requestID: String?)
        switch format {
        case .xml: fields = xmlFields(text)
        case .json: fields = jsonFields(text, headers: headers)
        }
        // A HEAD answer has no body, so the status is the only information left.
        let fallbackCode = status.reasonPhrase.replacingOccurrences(of: " ", with: "")
        let requestID =
            fields.requestID ?? headers.first(name: "x-amz-request-id") ?? headers.first(name: "x-amzn-RequestId")
        return .service(
            code: nonEmpty(fields.code) ?? (fallbackCode.isEmpty ? "HTTP\(status.code)" : fallbackCode),
            message: nonEmpty(fields.message) ?? status.reasonPhrase,
            statusCode: Int(status.code),
            requestID: requestID
        )
    }

    static func xmlFields(_ text: String) -> (code: String?, message: String?, requestID: String?) {
        (
            XMLText.firstElement("Code", in: text),
            XMLText.firstElement("Message", in: text),
            XMLText.firstElement("RequestId", in: text) ?? XMLText.firstElement("RequestID", in: text)
        )
    }

    static func jsonFields(
        _ text: String,
        headers: HTTPHeaders
    ) -> (code: String?, message: String?, requestID: String?) {
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        let rawCode =
            headers.first(name: "x-amzn-ErrorType") ?? object["__type"] as? String ?? object["code"] as? String
        let message = object["message"] as? String ?? object["Message"] as? String
        return (rawCode.map(shortCode), message, nil)
    }

    /// `com.amazonaws.secretsmanager#ResourceNotFoundException` and
    /// `ResourceNotFoundException:http://internal.amazon.com/…` both mean `ResourceNotFoundException`.
    static func shortCode(_ raw: String) -> String {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return String(code)
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
