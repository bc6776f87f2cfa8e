/// How email leaves the shop (`mail` section); which adapter is used is `adapters.mailer`.
public struct MailSettings: Sendable {
    /// The sender of every message, `Mercato <orders@example.com>`; production requires one.
    public var from: String?
    /// The file mailer's outbox folder.
    public var outboxDirectory: String
    public var smtp: SMTPMailSettings
    public var ses: SESMailSettings
}

/// The SMTP relay (`mail.smtp`).
public struct SMTPMailSettings: Sendable {
    public var host: String?
    public var port: Int
    public var username: String?
    public var password: String?
    /// Upgrade with STARTTLS before logging in and sending; the relay must offer it.
    public var startTLS: Bool
}

/// Amazon SES v2 (`mail.ses`); credentials come from the AWS chain (`AWSCredentialsSetup`).
public struct SESMailSettings: Sendable {
    public var region: String
    /// A custom endpoint (an emulator); AWS when unset.
    public var endpoint: String?
}

extension SettingsReader {
    /// Reads the `mail` section, checking the sender address and the SMTP credentials as a pair.
    mutating func mailSettings() -> MailSettings {
        var from = text("mail.from")
        if let value = from, (try? EmailAddress(parsing: value, field: "mail.from")) == nil {
            fail("mail.from", "'\(value)' is not an email address such as 'Shop <orders@example.com>'")
            from = nil
        }
        let smtp = SMTPMailSettings(
            host: text("mail.smtp.host"),
            port: integer("mail.smtp.port", default: 587, range: 1...65535),
            username: text("mail.smtp.username"),
            password: text("mail.smtp.password", secret: true),
            startTLS: boolean("mail.smtp.startTLS", default: true))
        if (smtp.username == nil) != (smtp.password == nil) {
            fail(
                smtp.username == nil ? "mail.smtp.username" : "mail.smtp.password",
                "mail.smtp.username and mail.smtp.password must be set together")
        }
        let ses = SESMailSettings(
            region: text("mail.ses.region", default: "us-east-1") ?? "us-east-1",
            endpoint: text("mail.ses.endpoint"))
        return MailSettings(
            from: from,
            outboxDirectory: text("mail.outboxDirectory", default: "data/outbox") ?? "data/outbox",
            smtp: smtp, ses: ses)
    }
}
