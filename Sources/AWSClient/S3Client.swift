import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A client for the object operations of one S3 bucket, on AWS or on an S3-compatible store.
///
/// Object keys are used verbatim: spaces, `+`, unicode and `/` are all legal and are percent-encoded
/// once, the way S3 expects. The `HTTPClient` is borrowed; the caller shuts it down.
public struct S3Client: Sendable {
    /// The configuration the client was created with.
    public let configuration: S3Configuration
    /// The endpoint without the bucket.
    public let endpoint: AWSEndpoint
    let core: AWSServiceClient

    static let metadataHeaderPrefix = "x-amz-meta-"
    static let maximumKeyBytes = 1024

    /// Creates a client signing with fixed `credentials`.
    ///
    /// - Throws: ``AWSError/invalidRequest(_:)`` for a malformed endpoint, an empty bucket name, or
    ///   virtual-hosted addressing with a bucket name that cannot be a host name label.
    public init(
        configuration: S3Configuration,
        credentials: AWSCredentials,
        httpClient: HTTPClient,
        logger: Logger = Logger(label: "AWSClient.S3")
    ) throws(AWSError) {
        try self.init(
            configuration: configuration, credentialsProvider: StaticCredentialsProvider(credentials),
            httpClient: httpClient, logger: logger)
    }

    /// Creates a client asking `credentialsProvider` for credentials on every request.
    ///
    /// - Throws: as ``init(configuration:credentials:httpClient:logger:)``.
    public init(
        configuration: S3Configuration,
        credentialsProvider: any AWSCredentialsProvider,
        httpClient: HTTPClient,
        logger: Logger = Logger(label: "AWSClient.S3")
    ) throws(AWSError) {
        guard !configuration.bucket.isEmpty, !configuration.bucket.contains("/") else {
            throw .invalidRequest("bucket name must be non-empty and contain no '/'")
        }
        if configuration.addressingStyle == .virtualHosted, !Self.isHostLabelCompatible(configuration.bucket) {
            throw .invalidRequest("bucket \(configuration.bucket) cannot be addressed virtual-hosted; use .path")
        }
        self.configuration = configuration
        if let url = configuration.endpoint {
            self.endpoint = try AWSEndpoint(url: url)
        } else {
            let suffix = configuration.region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
            self.endpoint = AWSEndpoint(scheme: "https", host: "s3.\(configuration.region).\(suffix)")
        }
        let placeholder = (credentialsProvider as? StaticCredentialsProvider)?.value ?? AWSCredentials.placeholder
        self.core = AWSServiceClient(
            httpClient: httpClient,
            signer: SigV4Signer(credentials: placeholder, region: configuration.region, service: "s3", options: .s3),
            credentialsProvider: credentialsProvider,
            errorFormat: .xml,
            timeout: configuration.timeout,
            maximumResponseBytes: configuration.maximumObjectBytes,
            logger: logger
        )
    }

    /// Creates the configured bucket. Meant for tests and local setup, not for production paths.
    ///
    /// Outside `us-east-1` the region is sent as the bucket's location constraint, as S3 requires.
    ///
    /// - Throws: ``AWSError/service(code:message:statusCode:requestID:)`` with
    ///   `BucketAlreadyOwnedByYou` or `BucketAlreadyExists` when the name is taken.
    public func createBucket() async throws(AWSError) {
        var body: ByteBuffer?
        var headers: HTTPHeaders = [:]
        if configuration.region != "us-east-1" {
            let xml =
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(XMLText.escape(configuration.region))</LocationConstraint>"
                + "</CreateBucketConfiguration>"
            body = ByteBuffer(string: xml)
            headers.add(name: "Content-Type", value: "application/xml")
        }
        _ = try await core.execute(request(.PUT, path: bucketPath(), headers: headers, body: body))
    }

    /// Stores `body` under `key`, replacing any existing object.
    ///
    /// - Parameters:
    ///   - contentType: Sent as `Content-Type` and returned by later reads; S3 assumes
    ///     `binary/octet-stream` when it is `nil`.
    ///   - cacheControl: Sent as `Cache-Control` and served back to anyone fetching the object.
    ///   - metadata: User metadata, sent as `x-amz-meta-<name>`. Names are lowercased by S3; values must
    ///     be printable ASCII because HTTP headers cannot carry anything else reliably.
    /// - Returns: The new object's entity tag and version.
    @discardableResult
    public func putObject(
        key: String,
        body: ByteBuffer,
        contentType: String? = nil,
        cacheControl: String? = nil,
        metadata: [String: String] = [:]
    ) async throws(AWSError) -> S3PutObjectResult {
        var headers: HTTPHeaders = [:]
        if let contentType {
            headers.add(name: "Content-Type", value: try Self.headerValue(contentType, field: "content type"))
        }
        if let cacheControl {
            headers.add(name: "Cache-Control", value: try Self.headerValue(cacheControl, field: "cache control"))
        }
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                throw .invalidRequest("metadata name \(name) must be ASCII letters, digits, '-' or '_'")
            }
            headers.add(
                name: Self.metadataHeaderPrefix + name.lowercased(),
                value: try Self.headerValue(value, field: "metadata value for \(name)")
            )
        }
        let response = try await core.execute(
            request(.PUT, path: try objectPath(key), headers: headers, body: body)
        )
        return S3PutObjectResult(
            eTag: response.headers.first(name: "etag").map(S3ObjectMetadata.unquoted),
            versionID: response.headers.first(name: "x-amz-version-id")
        )
    }

    /// Stores the bytes of `body` under `key`; see ``putObject(key:body:contentType:cacheControl:metadata:)``.
    @discardableResult
    public func putObject(
        key: String,
        body: some Sequence<UInt8>,
        contentType: String? = nil,
        cacheControl: String? = nil,
        metadata: [String: String] = [:]
    ) async throws(AWSError) -> S3PutObjectResult {
        try await putObject(
            key: key,
            body: ByteBuffer(bytes: body),
            contentType: contentType,
            cacheControl: cacheControl,
            metadata: metadata
        )
    }

    /// Reads the object stored under `key`.
    ///
    /// - Returns: The object, or `nil` when S3 answers `NoSuchKey`.
    /// - Throws: ``AWSError`` for every other failure, including `NoSuchBucket`, which signals
    ///   misconfiguration rather than a missing object.
    public func getObject(key: String) async throws(AWSError) -> S3Object? {
        do {
            let response = try await core.execute(request(.GET, path: try objectPath(key)))
            let metadata = S3ObjectMetadata(headers: response.headers)
            return S3Object(body: Array(response.body.readableBytesView), metadata: metadata)
        } catch let error where error.code == "NoSuchKey" {
            return nil
        }
    }

    /// Reads the metadata of the object stored under `key` without its body.
    ///
    /// - Returns: The metadata, or `nil` on HTTP 404. A `HEAD` answer has no body to say why, so a
    ///   missing bucket also reads as `nil` here.
    public func headObject(key: String) async throws(AWSError) -> S3ObjectMetadata? {
        do {
            let response = try await core.execute(request(.HEAD, path: try objectPath(key)))
            return S3ObjectMetadata(headers: response.headers)
        } catch let error where error.isNotFound {
            return nil
        }
    }

    /// Deletes the object stored under `key`. Deleting a key that does not exist succeeds, as in S3.
    public func deleteObject(key: String) async throws(AWSError) {
        _ = try await core.execute(request(.DELETE, path: try objectPath(key)))
    }

    /// Where the client's credentials come from.
    public var credentialsProvider: any AWSCredentialsProvider { core.credentialsProvider }

    /// A URL that lets anyone holding it `GET` the object under `key` until it expires, without
    /// credentials, signed with the client's fixed credentials.
    ///
    /// Signing happens locally; S3 is not contacted and the key need not exist yet.
    ///
    /// - Parameters:
    ///   - expiresIn: Validity, whole seconds from 1 second to 7 days.
    ///   - date: The signing instant; the URL is valid from then until `date + expiresIn`.
    /// - Throws: ``AWSError/missingCredentials(_:)`` for a client built with a credentials provider:
    ///   use ``presignedGetURL(key:expiresIn:signedAt:credentials:)`` with
    ///   `try await client.credentialsProvider.credentials()` instead.
    public func presignedGetURL(
        key: String,
        expiresIn: Duration,
        signedAt date: Date = Date()
    ) throws(AWSError) -> URL {
        guard let fixed = core.credentialsProvider as? StaticCredentialsProvider else {
            throw .missingCredentials("this S3 client has a credentials provider; pass credentials to presign")
        }
        return try presignedGetURL(key: key, expiresIn: expiresIn, signedAt: date, credentials: fixed.value)
    }

    /// A presigned `GET` URL signed with `credentials`. A URL signed with temporary credentials stops
    /// working when they expire, whatever `expiresIn` says.
    public func presignedGetURL(
        key: String,
        expiresIn: Duration,
        signedAt date: Date = Date(),
        credentials: AWSCredentials
    ) throws(AWSError) -> URL {
        let (seconds, _) = expiresIn.components
        guard seconds >= 1, seconds <= Int64(SigV4Signer.maximumPresignedExpiry) else {
            throw .invalidRequest("a presigned URL must expire in 1...\(SigV4Signer.maximumPresignedExpiry) seconds")
        }
        let request = request(.GET, path: try objectPath(key))
        var headers: HTTPHeaders = [:]
        headers.add(name: "Host", value: request.endpoint.hostHeader)
        let sigV4Request = SigV4Request(
            method: .GET,
            path: request.path,
            headers: headers,
            payloadHash: SigV4Signer.unsignedPayload
        )
        var signer = core.signer
        signer.credentials = credentials
        let presigned = try signer.presign(sigV4Request, expiresIn: Int(seconds), at: date)
        let text = request.endpoint.origin + request.path + "?" + presigned.queryString
        guard let url = URL(string: text) else {
            throw .invalidRequest("presigned URL is not a valid URL: \(text)")
        }
        return url
    }

    private func request(
        _ method: HTTPMethod,
        path: String,
        headers: HTTPHeaders = [:],
        body: ByteBuffer? = nil
    ) -> AWSHTTPRequest {
        AWSHTTPRequest(
            endpoint: bucketEndpoint,
            method: method,
            path: path,
            headers: headers,
            body: body,
            payloadSigning: configuration.payloadSigning
        )
    }

    private var bucketEndpoint: AWSEndpoint {
        guard configuration.addressingStyle == .virtualHosted else { return endpoint }
        var virtualHost = endpoint
        virtualHost.host = "\(configuration.bucket).\(endpoint.host)"
        return virtualHost
    }

    private func bucketPath() -> String {
        configuration.addressingStyle == .path ? "/" + URIEncoding.encode(configuration.bucket) : "/"
    }

    /// The encoded path for `key`: each `/`-separated segment is encoded once and the slashes are kept,
    /// so `photos/a b.jpg` becomes `photos/a%20b.jpg`.
    func objectPath(_ key: String) throws(AWSError) -> String {
        guard !key.isEmpty, key.utf8.count <= Self.maximumKeyBytes else {
            throw .invalidRequest("object key must be 1...\(Self.maximumKeyBytes) UTF-8 bytes")
        }
        let encodedKey = URIEncoding.encode(key, encodeSlash: false)
        switch configuration.addressingStyle {
        case .path: return bucketPath() + "/" + encodedKey
        case .virtualHosted: return "/" + encodedKey
        }
    }

    /// Virtual-hosted addressing turns the bucket name into part of a host name.
    private static func isHostLabelCompatible(_ bucket: String) -> Bool {
        bucket.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") }
    }

    private static func headerValue(_ value: String, field: String) throws(AWSError) -> String {
        guard value.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) else {
            throw .invalidRequest("\(field) must be printable ASCII")
        }
        return value
    }
}
