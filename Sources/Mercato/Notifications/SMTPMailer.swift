import SMTPClient

/// Sends through an SMTP relay (`adapters.mailer: smtp`), one short session per message.
struct SMTPMailer: Mailer {
    let client: SMTPClient

    func send(_ message: EmailMessage) async throws {
        let mime = try MIMEMessage(message)
        let from = try EmailAddress(parsing: message.from, field: "from").address
        let to = try EmailAddress(parsing: message.to, field: "to").address
        do {
            try await client.send(from: from, to: [to], message: mime.bytes)
        } catch let error as SMTPError {
            switch error {
            case .invalidMessage(let reason): throw MailerError.invalidMessage(reason)
            case _ where error.isTransient: throw MailerError.unavailable(error.description)
            default: throw MailerError.rejected(error.description)
            }
        }
    }
}
