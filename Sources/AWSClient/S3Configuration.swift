/// Which bucket an ``S3Client`` talks to, and how it reaches it.
public struct S3Configuration: Sendable, Hashable {
    /// How the bucket appears in request URLs.
    public enum AddressingStyle: Sendable, Hashable {
        /// `https://endpoint/bucket/key`: what emulators (moto, LocalStack) and most S3-compatible
        /// stores expect, and what works for bucket names containing dots over HTTPS.
        case path
        /// `https://bucket.endpoint/key`: AWS's preferred form.
        case virtualHosted
    }

    /// The bucket every operation addresses.
    public var bucket: String
    /// The region the bucket lives in; part of every signature, so it must be right even for
    /// emulators (use `us-east-1` with moto).
    public var region: String
    /// `http(s)://host[:port]` of an emulator or S3-compatible store; `nil` means AWS itself,
    /// `https://s3.<region>.amazonaws.com`.
    public var endpoint: String?
    /// How the bucket appears in URLs.
    public var addressingStyle: AddressingStyle
    /// Whether uploads sign the body's SHA-256 or `UNSIGNED-PAYLOAD`.
    public var payloadSigning: AWSHTTPRequest.PayloadSigning
    /// The limit for one whole request.
    public var timeout: Duration
    /// The largest object ``S3Client/getObject(key:)`` reads into memory.
    public var maximumObjectBytes: Int

    /// Creates a configuration.
    public init(
        bucket: String,
        region: String,
        endpoint: String? = nil,
        addressingStyle: AddressingStyle = .virtualHosted,
        payloadSigning: AWSHTTPRequest.PayloadSigning = .signed,
        timeout: Duration = .seconds(30),
        maximumObjectBytes: Int = 64 * 1024 * 1024
    ) {
        self.bucket = bucket
        self.region = region
        self.endpoint = endpoint
        self.addressingStyle = addressingStyle
        self.payloadSigning = payloadSigning
        self.timeout = timeout
        self.maximumObjectBytes = maximumObjectBytes
    }
}
