/// One email ready to send: addresses, subject and both renderings of the body.
///
/// Addresses are `ada@example.com` or `Ada Lovelace <ada@example.com>`; every adapter validates them
/// (and refuses line breaks anywhere in a header) before anything leaves the process.
public struct EmailMessage: Sendable, Hashable, Codable {
    public var to: String
    public var from: String
    public var replyTo: String?
    public var subject: String
    public var textBody: String
    public var htmlBody: String

    public init(to: String, from: String, replyTo: String? = nil, subject: String, textBody: String, htmlBody: String) {
        self.to = to
        self.from = from
        self.replyTo = replyTo
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
    }
}
