import Logging

/// The `log` mailer: nothing is sent; each message is validated like a real send and summarised in
/// one log line, for test environments and for running without any mail set up.
struct LogMailer: Mailer {
    let logger: Logger

    func send(_ message: EmailMessage) async throws {
        let mime = try MIMEMessage(message)
        logger.info(
            "Email not sent (log mailer)",
            metadata: [
                "email.to": "\(message.to)", "email.from": "\(message.from)", "email.subject": "\(message.subject)",
                "email.messageID": "\(mime.messageID)", "email.bytes": "\(mime.bytes.count)",
            ])
    }
}
