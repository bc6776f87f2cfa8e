import Vapor

/// The email port: a file outbox in development, the log in tests, SMTP or SES v2 in production.
///
/// `send` returns once the message is handed over (written, logged, accepted by the server); it
/// throws ``MailerError`` so a caller (the job queue) can tell a retry-worthy outage from a refusal.
public protocol Mailer: Sendable {
    func send(_ message: EmailMessage) async throws
}

/// Why a message was not handed over.
public enum MailerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message itself is unusable (a malformed address, a line break in the subject); sending it
    /// again will fail again.
    case invalidMessage(String)
    /// The mail service refused the message for good (an unverified sender, a 5xx reply).
    case rejected(String)
    /// The mail service could not be reached or asked to try later (a timeout, a 4xx reply,
    /// throttling); retrying later may succeed.
    case unavailable(String)

    /// Whether retrying the same message later may succeed.
    public var isTransient: Bool {
        if case .unavailable = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .invalidMessage(let reason): "invalid email: \(reason)"
        case .rejected(let reason): "email rejected: \(reason)"
        case .unavailable(let reason): "email service unavailable: \(reason)"
        }
    }
}

extension Application {
    private struct MailerKey: StorageKey {
        typealias Value = any Mailer
    }

    /// The configured mailer (`adapters.mailer`), set at boot by `AdapterSetup`.
    public var mailer: any Mailer {
        get {
            guard let mailer = storage[MailerKey.self] else { fatalError("MercatoApplication.make sets the mailer") }
            return mailer
        }
        set { storage[MailerKey.self] = newValue }
    }
}
