import Crypto
import Foundation
import NIOHTTP1

/// Signs requests with AWS Signature Version 4, either in the `Authorization` header or in the query
/// string (a presigned URL).
///
/// A signer is a plain value bound to one set of credentials, one region and one service; it does no
/// I/O and holds no clock, so every signature is reproducible from its inputs.
public struct SigV4Signer: Sendable {
    /// The service-specific rules that change the canonical request.
    public struct Options: Sendable, Hashable {
        /// Whether the sent path is percent-encoded a second time for the canonical URI. Every service
        /// except S3 requires it.
        public var doubleEncodePath: Bool
        /// Whether `.`/`..` and empty path segments are resolved before signing. S3 must not do this,
        /// because `a//b` and `a/./b` are distinct object keys.
        public var normalizePath: Bool
        /// Whether the signer adds an `x-amz-content-sha256` header. S3 requires it; other services
        /// accept its absence.
        public var addsContentSHA256Header: Bool

        /// Creates options.
        public init(doubleEncodePath: Bool, normalizePath: Bool, addsContentSHA256Header: Bool) {
            self.doubleEncodePath = doubleEncodePath
            self.normalizePath = normalizePath
            self.addsContentSHA256Header = addsContentSHA256Header
        }

        /// The rules for S3: single-encoded, unnormalised path and an `x-amz-content-sha256` header.
        public static let s3 = Options(
            doubleEncodePath: false,
            normalizePath: false,
            addsContentSHA256Header: true
        )

        /// The rules for every other service (JSON, query and REST-JSON protocols).
        public static let standard = Options(
            doubleEncodePath: true,
            normalizePath: true,
            addsContentSHA256Header: false
        )
    }

    /// The outcome of signing in the `Authorization` header.
    public struct SignedRequest: Sendable {
        /// The request's headers plus `x-amz-date`, the session token and content hash headers when
        /// they apply, and `Authorization`: everything the request must be sent with.
        public let headers: HTTPHeaders
        /// The canonical request that was signed.
        public let canonicalRequest: CanonicalRequest
        /// The string to sign built from it.
        public let stringToSign: String
        /// The lowercase hex signature.
        public let signature: String
        /// The complete `Authorization` header value.
        public let authorization: String
    }

    /// The outcome of signing in the query string.
    public struct PresignedQuery: Sendable {
        /// All query parameters to send, raw and unencoded, including `X-Amz-Signature` last.
        public let parameters: [(name: String, value: String)]
        /// The encoded query string, ready to follow `?`; `X-Amz-Signature` comes last as in AWS's
        /// examples.
        public let queryString: String
        /// The canonical request that was signed.
        public let canonicalRequest: CanonicalRequest
        /// The string to sign built from it.
        public let stringToSign: String
        /// The lowercase hex signature.
        public let signature: String
    }

    /// The payload hash placeholder that tells S3 the body is not covered by the signature.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 of the empty string, the payload hash of every bodiless request.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// The longest validity AWS accepts for a presigned URL: seven days.
    public static let maximumPresignedExpiry = 604_800

    static let algorithm = "AWS4-HMAC-SHA256"

    /// The credentials requests are signed with.
    public var credentials: AWSCredentials
    /// The region in the credential scope, such as `us-east-1`.
    public var region: String
    /// The signing name of the service in the credential scope, such as `s3`, `ses` or `secretsmanager`.
    public var service: String
    /// The service's canonicalisation rules.
    public var options: Options

    /// Creates a signer for one service in one region.
    public init(credentials: AWSCredentials, region: String, service: String, options: Options) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
    }

    /// Lowercase hex SHA-256 of `bytes`, the form SigV4 uses for payload and canonical request hashes.
    public static func hexSHA256(_ bytes: some Sequence<UInt8>) -> String {
        // Bodies can be large; hash them in place when their storage allows it instead of copying.
        let digest =
            bytes.withContiguousStorageIfAvailable { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
            ?? SHA256.hash(data: Array(bytes))
        return hex(digest)
    }

    /// The credential scope `yyyyMMdd/region/service/aws4_request`.
    public func credentialScope(at date: Date) -> String {
        "\(AMZDate(date).day)/\(region)/\(service)/aws4_request"
    }

    /// Derives the signing key: HMAC chained over date, region, service and `aws4_request`, starting
    /// from `"AWS4" + secret`. It depends only on the day, which is why SDKs may cache it.
    func signingKey(at date: Date) -> SymmetricKey {
        let secret = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        let dateKey = Self.hmac(secret, AMZDate(date).day)
        let regionKey = Self.hmac(dateKey, region)
        let serviceKey = Self.hmac(regionKey, service)
        return Self.hmac(serviceKey, "aws4_request")
    }

    /// Signs `request` with an `Authorization` header.
    ///
    /// `request.headers` must contain `Host`. Any `x-amz-date`, `x-amz-security-token`,
    /// `x-amz-content-sha256` or `Authorization` already present is replaced, so signing twice is safe.
    public func sign(_ request: SigV4Request, at date: Date) -> SignedRequest {
        let amzDate = AMZDate(date)
        var request = request
        request.headers.remove(name: "authorization")
        request.headers.replaceOrAdd(name: "x-amz-date", value: amzDate.timestamp)
        if let token = credentials.sessionToken {
            request.headers.replaceOrAdd(name: "x-amz-security-token", value: token)
        }
        if options.addsContentSHA256Header {
            request.headers.replaceOrAdd(name: "x-amz-content-sha256", value: request.payloadHash)
        }
        let canonical = CanonicalRequest(request, options: options)
        let stringToSign = stringToSign(canonical, at: date)
        let signature = signature(of: stringToSign, at: date)
        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(credentialScope(at: date)), "
            + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        request.headers.add(name: "Authorization", value: authorization)
        return SignedRequest(
            headers: request.headers,
            canonicalRequest: canonical,
            stringToSign: stringToSign,
            signature: signature,
            authorization: authorization
        )
    }

    /// Signs `request` in its query string, producing the parameters of a presigned URL.
    ///
    /// Only the headers in `request.headers` are signed (normally just `Host`); whoever uses the URL
    /// must send exactly those. The payload hash is normally ``unsignedPayload``, since the holder of
    /// the URL chooses the body.
    ///
    /// - Parameter expiresIn: Seconds the URL stays valid, from 1 to ``maximumPresignedExpiry``.
    /// - Throws: ``AWSError/invalidRequest(_:)`` for an expiry outside that range.
    public func presign(
        _ request: SigV4Request,
        expiresIn: Int,
        at date: Date
    ) throws(AWSError) -> PresignedQuery {
        guard (1...Self.maximumPresignedExpiry).contains(expiresIn) else {
            throw .invalidRequest("a presigned URL must expire in 1...\(Self.maximumPresignedExpiry) seconds")
        }
        let signedHeaders = CanonicalRequest.canonicalHeaders(request.headers).map(\.name).joined(separator: ";")
        var parameters = request.query
        parameters += [
            (name: "X-Amz-Algorithm", value: Self.algorithm),
            (name: "X-Amz-Credential", value: "\(credentials.accessKeyID)/\(credentialScope(at: date))"),
            (name: "X-Amz-Date", value: AMZDate(date).timestamp),
            (name: "X-Amz-Expires", value: String(expiresIn)),
            (name: "X-Amz-SignedHeaders", value: signedHeaders),
        ]
        if let token = credentials.sessionToken {
            parameters.append((name: "X-Amz-Security-Token", value: token))
        }
        let canonical = CanonicalRequest(request, options: options, query: parameters)
        let stringToSign = stringToSign(canonical, at: date)
        let signature = signature(of: stringToSign, at: date)
        let queryString =
            URIEncoding.canonicalQuery(parameters) + "&X-Amz-Signature=" + signature
        parameters.append((name: "X-Amz-Signature", value: signature))
        return PresignedQuery(
            parameters: parameters,
            queryString: queryString,
            canonicalRequest: canonical,
            stringToSign: stringToSign,
            signature: signature
        )
    }

    /// The string to sign: algorithm, timestamp, credential scope and the canonical request's hash.
    public func stringToSign(_ canonicalRequest: CanonicalRequest, at date: Date) -> String {
        [Self.algorithm, AMZDate(date).timestamp, credentialScope(at: date), canonicalRequest.hash]
            .joined(separator: "\n")
    }

    private func signature(of stringToSign: String, at date: Date) -> String {
        Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(at: date)))
    }

    private static func hmac(_ key: SymmetricKey, _ message: String) -> SymmetricKey {
        SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key))
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output = [UInt8]()
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
