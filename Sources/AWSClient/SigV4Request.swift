import NIOHTTP1

/// The parts of an HTTP request that Signature Version 4 covers, in the form they go on the wire.
public struct SigV4Request: Sendable {
    /// The HTTP method, such as `GET`.
    public var method: HTTPMethod
    /// The request path exactly as sent, already percent-encoded (see ``URIEncoding``), starting with `/`.
    public var path: String
    /// Query parameters as raw, unencoded names and values; the signer and the sender both encode them
    /// through ``URIEncoding/canonicalQuery(_:)``, so the signed and sent forms cannot drift apart.
    public var query: [(name: String, value: String)]
    /// The headers to sign and send. `Host` must be present: it is part of every signature.
    public var headers: HTTPHeaders
    /// Lowercase hex SHA-256 of the body, or ``SigV4Signer/unsignedPayload``.
    public var payloadHash: String

    /// Creates a request description for signing.
    public init(
        method: HTTPMethod,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: HTTPHeaders,
        payloadHash: String
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.payloadHash = payloadHash
    }
}
