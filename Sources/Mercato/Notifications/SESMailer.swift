import AWSClient

/// Sends through Amazon SES v2 `SendEmail` (`adapters.mailer: ses`).
///
/// The message goes as raw MIME, the same bytes the file and SMTP mailers produce, so every adapter
/// delivers identical headers (`Message-ID`, `Reply-To`) and both bodies.
struct SESMailer: Mailer {
    let client: SESv2Client

    func send(_ message: EmailMessage) async throws {
        let mime = try MIMEMessage(message)
        let to = try EmailAddress(parsing: message.to, field: "to").address
        do {
            try await client.sendEmail(SESv2Email(from: message.from, to: [to], content: .raw(mime.bytes)))
        } catch {
            throw Self.mailerError(error)
        }
    }

    static func mailerError(_ error: AWSError) -> MailerError {
        switch error {
        case .timeout, .transport, .cancelled:
            return .unavailable(error.description)
        case .service(_, _, let status, _):
            let retryLater: Set<SESv2ErrorCode> = [.limitExceeded, .tooManyRequests]
            if status >= 500 || error.sesErrorCode.map(retryLater.contains) == true {
                return .unavailable(error.description)
            }
            return .rejected(error.description)
        case .invalidRequest(let reason):
            return .invalidMessage(reason)
        case .invalidResponse, .missingCredentials:
            return .rejected(error.description)
        }
    }
}
