import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The protocol-independent core every AWS service client is built on: it signs an ``AWSHTTPRequest``
/// with SigV4, sends it through the caller's `HTTPClient` with a timeout, reads the body, and turns
/// error answers and transport failures into ``AWSError``.
///
/// A JSON-protocol client (Secrets Manager, ECS) is this plus a `Content-Type`, an `X-Amz-Target`
/// header and a JSON body with ``AWSErrorFormat/json``; SES v2 (REST-JSON) puts the operation in the
/// path instead of a header; a query-protocol client (STS, SES v1) posts a form body and reads
/// ``AWSErrorFormat/xml``; CloudFront (REST-XML) is shaped like S3. All of them sign with
/// ``SigV4Signer/Options/standard``.
///
/// The `HTTPClient` is borrowed, never shut down here: its owner decides its lifetime.
public struct AWSServiceClient: Sendable {
    /// The HTTP client requests go through.
    public let httpClient: HTTPClient
    /// The signer, which fixes region, signing name and rules; its credentials are replaced by the
    /// provider's for every request ``execute(_:)`` sends.
    public let signer: SigV4Signer
    /// Where each request's credentials come from.
    public let credentialsProvider: any AWSCredentialsProvider
    /// How the service encodes errors.
    public let errorFormat: AWSErrorFormat
    /// The limit for one whole request, from connecting to reading the last body byte.
    public let timeout: Duration
    /// The largest response body read into memory; larger answers fail instead of exhausting memory.
    public let maximumResponseBytes: Int
    /// The logger for request-level debug output. Credentials and signatures are never logged.
    public let logger: Logger

    /// Creates the core client signing with the signer's own, fixed credentials.
    public init(
        httpClient: HTTPClient,
        signer: SigV4Signer,
        errorFormat: AWSErrorFormat,
        timeout: Duration = .seconds(30),
        maximumResponseBytes: Int = 64 * 1024 * 1024,
        logger: Logger = Logger(label: "AWSClient")
    ) {
        self.init(
            httpClient: httpClient, signer: signer, credentialsProvider: StaticCredentialsProvider(signer.credentials),
            errorFormat: errorFormat, timeout: timeout, maximumResponseBytes: maximumResponseBytes, logger: logger)
    }

    /// Creates the core client signing with credentials asked from `credentialsProvider` per request;
    /// `signer` supplies region, service and rules (its credentials are only used by ``sign(_:at:)``).
    public init(
        httpClient: HTTPClient,
        signer: SigV4Signer,
        credentialsProvider: any AWSCredentialsProvider,
        errorFormat: AWSErrorFormat,
        timeout: Duration = .seconds(30),
        maximumResponseBytes: Int = 64 * 1024 * 1024,
        logger: Logger = Logger(label: "AWSClient")
    ) {
        self.httpClient = httpClient
        self.signer = signer
        self.credentialsProvider = credentialsProvider
        self.errorFormat = errorFormat
        self.timeout = timeout
        self.maximumResponseBytes = maximumResponseBytes
        self.logger = logger
    }

    /// Signs and sends `request` and returns the answer when its status is 2xx.
    ///
    /// - Throws: ``AWSError/service(code:message:statusCode:requestID:)`` for any other status,
    ///   ``AWSError/timeout`` when ``timeout`` elapses, ``AWSError/transport(description:)`` when no answer
    ///   arrives, ``AWSError/cancelled`` when the task is cancelled, and
    ///   ``AWSError/invalidResponse(_:)`` for a body over ``maximumResponseBytes``, and whatever the
    ///   credentials provider throws (``AWSError/missingCredentials(_:)``) before anything is sent.
    public func execute(_ request: AWSHTTPRequest) async throws(AWSError) -> AWSHTTPResponse {
        let credentials = try await credentialsProvider.credentials()
        let signed = sign(request, at: Date(), credentials: credentials)
        var httpRequest = HTTPClientRequest(url: request.url)
        httpRequest.method = request.method
        httpRequest.headers = signed.headers
        if let body = request.body {
            httpRequest.body = .bytes(body)
        }
        logger.debug(
            "AWS request",
            metadata: [
                "aws.service": "\(signer.service)", "http.method": "\(request.method.rawValue)",
                "http.path": "\(request.path)",
            ]
        )
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let body: ByteBuffer
        do {
            let response = try await httpClient.execute(httpRequest, timeout: TimeAmount(timeout), logger: logger)
            status = response.status
            headers = response.headers
            body = try await response.body.collect(upTo: maximumResponseBytes)
        } catch {
            throw Self.map(error, maximumResponseBytes: maximumResponseBytes)
        }
        logger.debug(
            "AWS response",
            metadata: ["aws.service": "\(signer.service)", "http.status": "\(status.code)"]
        )
        guard (200..<300).contains(status.code) else {
            throw AWSErrorDecoding.error(status: status, headers: headers, body: body, format: errorFormat)
        }
        return AWSHTTPResponse(status: status, headers: headers, body: body)
    }

    /// Signs `request` with the signer's own credentials, without sending it; the returned headers
    /// include `Host` and `Authorization`.
    public func sign(_ request: AWSHTTPRequest, at date: Date) -> SigV4Signer.SignedRequest {
        sign(request, at: date, credentials: signer.credentials)
    }

    /// Signs `request` as ``execute(_:)`` does, with `credentials`, without sending it.
    public func sign(
        _ request: AWSHTTPRequest, at date: Date, credentials: AWSCredentials
    ) -> SigV4Signer.SignedRequest {
        var headers = request.headers
        headers.replaceOrAdd(name: "Host", value: request.endpoint.hostHeader)
        let payloadHash: String
        switch request.payloadSigning {
        case .unsigned:
            payloadHash = SigV4Signer.unsignedPayload
        case .signed:
            payloadHash =
                request.body.map { SigV4Signer.hexSHA256($0.readableBytesView) } ?? SigV4Signer.emptyPayloadHash
        }
        let sigV4Request = SigV4Request(
            method: request.method,
            path: request.path.isEmpty ? "/" : request.path,
            query: request.query,
            headers: headers,
            payloadHash: payloadHash
        )
        var signer = self.signer
        signer.credentials = credentials
        return signer.sign(sigV4Request, at: date)
    }

    static func map(_ error: any Error, maximumResponseBytes: Int) -> AWSError {
        if let error = error as? AWSError {
            return error
        }
        if error is CancellationError {
            return .cancelled
        }
        if error is NIOTooManyBytesError {
            return .invalidResponse("response body exceeds \(maximumResponseBytes) bytes")
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout:
                return .timeout
            case .cancelled:
                return .cancelled
            default:
                return .transport(description: String(describing: error))
            }
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .timeout
        }
        return .transport(description: String(describing: error))
    }
}
