/// Every failure the AWS clients report, so callers handle one error type whatever the service.
///
/// Service rejections (`.service`) are kept apart from failures to reach the service at all
/// (`.transport`, `.timeout`) because callers treat them differently: a `NoSuchKey` or `AccessDenied` is
/// an answer, whereas a refused connection may be worth retrying.
public enum AWSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The service answered with an error status; `code` is its machine-readable error code
    /// (`NoSuchKey`, `SignatureDoesNotMatch`, …) and `requestID` is what AWS support asks for.
    case service(code: String, message: String, statusCode: Int, requestID: String?)
    /// The request never got an HTTP answer: connection refused, TLS failure, reset, DNS…
    ///
    /// AsyncHTTPClient keeps retrying a refused connection until the request's deadline, so this
    /// error typically arrives only once the configured timeout has passed.
    case transport(description: String)
    /// The request did not complete within the configured timeout.
    case timeout
    /// The task awaiting the request was cancelled.
    case cancelled
    /// The answer arrived but is not what the operation expects (for example a body over the size limit).
    case invalidResponse(String)
    /// The request could not be built from the arguments given, so nothing was sent.
    case invalidRequest(String)
    /// No usable credentials were found.
    case missingCredentials(String)

    /// The HTTP status the service answered with, when there was an answer.
    public var statusCode: Int? {
        if case .service(_, _, let statusCode, _) = self { return statusCode }
        return nil
    }

    /// The service's error code, such as `NoSuchKey`, when the service answered.
    public var code: String? {
        if case .service(let code, _, _, _) = self { return code }
        return nil
    }

    /// Whether the service said the addressed resource does not exist (HTTP 404).
    public var isNotFound: Bool { statusCode == 404 }

    /// A one-line explanation suitable for logs; it never contains credentials.
    public var description: String {
        switch self {
        case .service(let code, let message, let statusCode, let requestID):
            let request = requestID.map { ", request id \($0)" } ?? ""
            return "AWS service error \(code) (HTTP \(statusCode)\(request)): \(message)"
        case .transport(let description):
            return "AWS transport error: \(description)"
        case .timeout:
            return "AWS request timed out"
        case .cancelled:
            return "AWS request cancelled"
        case .invalidResponse(let reason):
            return "Invalid AWS response: \(reason)"
        case .invalidRequest(let reason):
            return "Invalid AWS request: \(reason)"
        case .missingCredentials(let reason):
            return "Missing AWS credentials: \(reason)"
        }
    }
}
