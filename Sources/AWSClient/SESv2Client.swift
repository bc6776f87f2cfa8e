import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Where an ``SESv2Client`` sends requests.
public struct SESv2Configuration: Sendable, Hashable {
    /// The region whose SES endpoint is used and whose name is part of every signature.
    public var region: String
    /// `http(s)://host[:port]` of an emulator (moto); `nil` means `https://email.<region>.amazonaws.com`.
    public var endpoint: String?
    /// The limit for one whole request.
    public var timeout: Duration

    /// Creates a configuration.
    public init(region: String, endpoint: String? = nil, timeout: Duration = .seconds(20)) {
        self.region = region
        self.endpoint = endpoint
        self.timeout = timeout
    }
}

/// One message for ``SESv2Client/sendEmail(_:)``.
public struct SESv2Email: Sendable, Hashable {
    /// What SES sends.
    public enum Content: Sendable, Hashable {
        /// SES builds the MIME message from a subject and a text and/or HTML body (UTF-8).
        case simple(subject: String, text: String?, html: String?)
        /// A complete RFC 5322 message built by the caller, sent byte for byte.
        case raw([UInt8])
    }

    /// The sender, `shop@example.com` or `Shop <shop@example.com>`; SES requires a verified identity.
    public var from: String
    public var to: [String]
    public var replyTo: [String]
    public var content: Content

    /// Creates a message.
    public init(from: String, to: [String], replyTo: [String] = [], content: Content) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.content = content
    }
}

/// The SES v2 error codes a sender reacts to; compare with ``AWSError/code``.
public enum SESv2ErrorCode: String, Sendable, CaseIterable {
    /// The message was refused: an unverified sender or recipient in the sandbox, bad content.
    case messageRejected = "MessageRejected"
    /// The custom MAIL FROM domain is not verified.
    case mailFromDomainNotVerified = "MailFromDomainNotVerifiedException"
    /// Sending is disabled for the account.
    case accountSuspended = "AccountSuspendedException"
    /// Sending is paused for the account or configuration set.
    case sendingPaused = "SendingPausedException"
    /// The daily quota or the sending rate is exceeded: retry later.
    case limitExceeded = "LimitExceededException"
    /// Too many requests per second: retry later.
    case tooManyRequests = "TooManyRequestsException"
    /// A parameter is malformed.
    case badRequest = "BadRequestException"
    /// A named resource (identity, configuration set) does not exist.
    case notFound = "NotFoundException"
    /// The resource (an identity being created) exists already.
    case alreadyExists = "AlreadyExistsException"
}

extension AWSError {
    /// The SES v2 error code, when SES answered with one this client knows.
    public var sesErrorCode: SESv2ErrorCode? { code.flatMap(SESv2ErrorCode.init(rawValue:)) }
}

/// A client for the SES v2 REST-JSON API: sending mail and, for setup and tests, creating identities.
///
/// The `HTTPClient` is borrowed; the caller shuts it down.
public struct SESv2Client: Sendable {
    public let configuration: SESv2Configuration
    public let endpoint: AWSEndpoint
    let core: AWSServiceClient

    /// Creates a client signing with fixed `credentials`.
    ///
    /// - Throws: ``AWSError/invalidRequest(_:)`` for a malformed endpoint.
    public init(
        configuration: SESv2Configuration,
        credentials: AWSCredentials,
        httpClient: HTTPClient,
        logger: Logger = Logger(label: "AWSClient.SESv2")
    ) throws(AWSError) {
        try self.init(
            configuration: configuration, credentialsProvider: StaticCredentialsProvider(credentials),
            httpClient: httpClient, logger: logger)
    }

    /// Creates a client asking `credentialsProvider` for credentials on every request.
    ///
    /// - Throws: ``AWSError/invalidRequest(_:)`` for a malformed endpoint.
    public init(
        configuration: SESv2Configuration,
        credentialsProvider: any AWSCredentialsProvider,
        httpClient: HTTPClient,
        logger: Logger = Logger(label: "AWSClient.SESv2")
    ) throws(AWSError) {
        self.configuration = configuration
        if let url = configuration.endpoint {
            self.endpoint = try AWSEndpoint(url: url)
        } else {
            let suffix = configuration.region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
            self.endpoint = AWSEndpoint(scheme: "https", host: "email.\(configuration.region).\(suffix)")
        }
        self.core = AWSServiceClient(
            httpClient: httpClient,
            signer: SigV4Signer(
                credentials: AWSCredentials.placeholder, region: configuration.region, service: "ses",
                options: .standard),
            credentialsProvider: credentialsProvider,
            errorFormat: .json,
            timeout: configuration.timeout,
            maximumResponseBytes: 1024 * 1024,
            logger: logger
        )
    }

    /// Sends one message (`SendEmail`).
    ///
    /// - Returns: The message id SES assigned.
    /// - Throws: ``AWSError``; a refusal carries an ``SESv2ErrorCode`` such as `MessageRejected`, and
    ///   ``AWSError/invalidRequest(_:)`` means nothing was sent.
    @discardableResult
    public func sendEmail(_ email: SESv2Email) async throws(AWSError) -> String {
        guard !email.to.isEmpty else { throw .invalidRequest("a message needs at least one recipient") }
        let content: SendEmailBody.Content
        switch email.content {
        case .simple(let subject, let text, let html):
            guard text != nil || html != nil else { throw .invalidRequest("a message needs a text or HTML body") }
            content = SendEmailBody.Content(
                simple: .init(
                    subject: .init(data: subject),
                    body: .init(text: text.map { .init(data: $0) }, html: html.map { .init(data: $0) })),
                raw: nil)
        case .raw(let bytes):
            content = SendEmailBody.Content(simple: nil, raw: .init(data: Data(bytes).base64EncodedString()))
        }
        let body = SendEmailBody(
            fromEmailAddress: email.from, destination: .init(toAddresses: email.to),
            replyToAddresses: email.replyTo.isEmpty ? nil : email.replyTo, content: content)
        let response = try await post("/v2/email/outbound-emails", body: body)
        struct Answer: Decodable {
            var MessageId: String
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.body.readableBytesView)) else {
            throw .invalidResponse("SendEmail answered without a MessageId")
        }
        return answer.MessageId
    }

    /// Starts verifying an email address or a domain (`CreateEmailIdentity`). Real SES then waits for
    /// the address's owner to click a link (or for DNS records); emulators verify at once.
    public func createEmailIdentity(_ identity: String) async throws(AWSError) {
        struct Body: Encodable {
            var EmailIdentity: String
        }
        _ = try await post("/v2/email/identities", body: Body(EmailIdentity: identity))
    }

    private func post(_ path: String, body: some Encodable) async throws(AWSError) -> AWSHTTPResponse {
        let data: Data
        do {
            data = try JSONEncoder().encode(body)
        } catch {
            throw .invalidRequest("cannot encode the request: \(error)")
        }
        var headers: HTTPHeaders = [:]
        headers.add(name: "Content-Type", value: "application/json")
        let request = AWSHTTPRequest(
            endpoint: endpoint, method: .POST, path: path, headers: headers, body: ByteBuffer(bytes: data))
        return try await core.execute(request)
    }
}

/// The `SendEmail` request body, with the API's PascalCase keys.
private struct SendEmailBody: Encodable {
    struct Destination: Encodable {
        var toAddresses: [String]
        enum CodingKeys: String, CodingKey { case toAddresses = "ToAddresses" }
    }
    struct Text: Encodable {
        var data: String
        var charset = "UTF-8"
        enum CodingKeys: String, CodingKey {
            case data = "Data"
            case charset = "Charset"
        }
    }
    struct Simple: Encodable {
        struct Body: Encodable {
            var text: Text?
            var html: Text?
            enum CodingKeys: String, CodingKey {
                case text = "Text"
                case html = "Html"
            }
        }
        var subject: Text
        var body: Body
        enum CodingKeys: String, CodingKey {
            case subject = "Subject"
            case body = "Body"
        }
    }
    struct Raw: Encodable {
        var data: String
        enum CodingKeys: String, CodingKey { case data = "Data" }
    }
    struct Content: Encodable {
        var simple: Simple?
        var raw: Raw?
        enum CodingKeys: String, CodingKey {
            case simple = "Simple"
            case raw = "Raw"
        }
    }

    var fromEmailAddress: String
    var destination: Destination
    var replyToAddresses: [String]?
    var content: Content

    enum CodingKeys: String, CodingKey {
        case fromEmailAddress = "FromEmailAddress"
        case destination = "Destination"
        case replyToAddresses = "ReplyToAddresses"
        case content = "Content"
    }
}
