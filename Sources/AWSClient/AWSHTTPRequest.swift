import NIOCore
import NIOHTTP1

/// One request to an AWS service, before signing.
///
/// Service clients (S3 today; SES, Secrets Manager, ECS and CloudFront later) build these and hand them
/// to ``AWSServiceClient/execute(_:)``, which signs, sends and turns error answers into ``AWSError``.
public struct AWSHTTPRequest: Sendable {
    /// How the body is covered by the signature.
    public enum PayloadSigning: Sendable, Hashable {
        /// The SHA-256 of the body is signed, so the body cannot be swapped in transit.
        case signed
        /// `UNSIGNED-PAYLOAD` is signed instead (S3 only), which avoids hashing a large body twice when
        /// TLS already protects it.
        case unsigned
    }

    /// Where the request goes; S3 virtual-hosted addressing puts the bucket in this host.
    public var endpoint: AWSEndpoint
    /// The HTTP method.
    public var method: HTTPMethod
    /// The request path, already percent-encoded with ``URIEncoding``, starting with `/`.
    public var path: String
    /// Raw, unencoded query parameters.
    public var query: [(name: String, value: String)]
    /// Headers to sign and send; `Host` is added from ``endpoint``.
    public var headers: HTTPHeaders
    /// The body, if any.
    public var body: ByteBuffer?
    /// Whether the body hash is signed.
    public var payloadSigning: PayloadSigning

    /// Creates a request.
    public init(
        endpoint: AWSEndpoint,
        method: HTTPMethod,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: HTTPHeaders = [:],
        body: ByteBuffer? = nil,
        payloadSigning: PayloadSigning = .signed
    ) {
        self.endpoint = endpoint
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.payloadSigning = payloadSigning
    }

    /// The full URL as it goes on the wire, with the query in canonical order.
    public var url: String {
        let query = URIEncoding.canonicalQuery(self.query)
        return endpoint.origin + (path.isEmpty ? "/" : path) + (query.isEmpty ? "" : "?" + query)
    }
}

/// A service's successful (2xx) answer with its body fully read.
public struct AWSHTTPResponse: Sendable {
    /// The HTTP status.
    public var status: HTTPResponseStatus
    /// The response headers.
    public var headers: HTTPHeaders
    /// The body; empty for `HEAD` and for answers without one.
    public var body: ByteBuffer
}
