import Foundation
import Vapor

extension JobKind {
    /// Renders and sends one transactional email (queued by Orders and Customers in their transactions).
    static let sendEmail = JobKind("notifications.send_email")
}

/// Turns an ``EmailJob`` into a message (both parts rendered with Leaf from
/// `Resources/Views/emails/<template>/{html,text}.leaf`) and sends it through `app.mailer`.
public enum EmailDelivery {
    /// Registers the `notifications.send_email` job's handler.
    static func registerHandler(on app: Application) {
        app.jobs.register(.sendEmail, payload: EmailJob.self) { job, context in
            try await deliver(job, on: context.application)
        }
    }

    /// Renders and sends; the job queue calls this and retries when ``MailerError/isTransient``.
    ///
    /// - Throws: ``MailerError`` from rendering checks and the mailer, or a Leaf error for a broken template.
    public static func deliver(_ job: EmailJob, on app: Application) async throws {
        let message = try await render(job, on: app)
        try await app.mailer.send(message)
        app.logger.info(
            "Email sent", metadata: ["email.template": "\(job.template.name)", "email.subject": "\(message.subject)"])
    }

    /// The message ``deliver(_:on:)`` sends, without sending it.
    static func render(_ job: EmailJob, on app: Application) async throws -> EmailMessage {
        guard let from = app.settings.mail.from else {
            throw MailerError.invalidMessage("mail.from is not configured; set it or MERCATO_MAIL_FROM")
        }
        // Validate the recipient before spending time on templates.
        _ = try EmailAddress(parsing: job.to, field: "to")
        let template = job.template
        let baseURL = app.settings.server.baseURL
        let (html, text): (View, View)
        switch template {
        case .orderConfirmation(let email):
            (html, text) = try await renderParts(
                template, EmailContext(email: email, subject: template.subject, shopURL: baseURL), on: app)
        case .shippingNotification(let email):
            (html, text) = try await renderParts(
                template, EmailContext(email: email, subject: template.subject, shopURL: baseURL), on: app)
        case .passwordReset(let email):
            (html, text) = try await renderParts(
                template, EmailContext(email: email, subject: template.subject, shopURL: baseURL), on: app)
        case .staffAccess(let email):
            (html, text) = try await renderParts(
                template, EmailContext(email: StaffAccessView(email), subject: template.subject, shopURL: baseURL),
                on: app)
        }
        return EmailMessage(
            to: job.to, from: from, subject: template.subject, textBody: String(buffer: text.data),
            htmlBody: String(buffer: html.data))
    }

    private static func renderParts(
        _ template: EmailTemplate, _ context: some Encodable & Sendable, on app: Application
    )
        async throws -> (View, View)
    {
        let html = try await app.view.render("emails/\(template.name)/html", context)
        let text = try await app.view.render("emails/\(template.name)/text", context)
        return (html, text)
    }
}

/// What every email template sees: its data under `email`, plus the subject and the shop's address.
struct EmailContext<Email: Encodable & Sendable>: Encodable, Sendable {
    var email: Email
    var subject: String
    var shopName = "Mercato"
    var shopURL: String
}

extension EmailTemplate {
    /// The folder under `Resources/Views/emails/`.
    var name: String {
        switch self {
        case .orderConfirmation: "order-confirmation"
        case .shippingNotification: "shipping-notification"
        case .passwordReset: "password-reset"
        case .staffAccess: "staff-access"
        }
    }

    /// The subject line.
    var subject: String {
        switch self {
        case .orderConfirmation(let email): "Order \(email.orderNumber) confirmed"
        case .shippingNotification(let email): "Order \(email.orderNumber) has shipped"
        case .passwordReset: "Reset your password"
        case .staffAccess(let email) where email.purpose == .invitation: "You're invited to the shop's back office"
        case .staffAccess: "Reset your back-office password"
        }
    }
}

/// A staff email as its template reads it: the purpose as a flag Leaf can branch on.
private struct StaffAccessView: Encodable, Sendable {
    var invitation: Bool
    var staffName: String
    var linkURL: String
    var expiresIn: String

    init(_ email: StaffAccessEmail) {
        invitation = email.purpose == .invitation
        staffName = email.staffName
        linkURL = email.linkURL
        expiresIn = email.expiresIn
    }
}
