/// Everything that can go wrong while handing a message to an SMTP server.
///
/// A refusal by the server (``rejected(command:reply:)``, ``authenticationFailed(_:)``) carries the
/// reply so callers can tell a permanent 5xx from a transient 4xx worth retrying later.
public enum SMTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The TCP connection could not be opened.
    case connectionFailed(String)
    /// No reply arrived in time; the text says what the client was waiting for.
    case timeout(String)
    /// The server answered a command with a failure (or an unexpected) code.
    case rejected(command: String, reply: SMTPReply)
    /// The server refused the credentials (typically 535).
    case authenticationFailed(SMTPReply)
    /// Credentials are configured but the server offers no mechanism this client speaks.
    case authenticationUnavailable(String)
    /// STARTTLS is configured but the server does not offer it; the client never falls back to
    /// sending in the clear.
    case startTLSUnavailable
    /// The TLS handshake or session failed (for example an untrusted certificate).
    case tls(String)
    /// The server closed the connection while the client was waiting for a reply.
    case connectionClosed
    /// The server sent something that is not SMTP.
    case protocolViolation(String)
    /// The envelope or message cannot be sent as given; nothing was sent.
    case invalidMessage(String)

    /// The reply code, when the server answered.
    public var replyCode: Int? {
        switch self {
        case .rejected(_, let reply), .authenticationFailed(let reply): reply.code
        default: nil
        }
    }

    /// Whether trying again later may succeed: a 4xx reply, a timeout or a lost connection.
    public var isTransient: Bool {
        switch self {
        case .rejected(_, let reply), .authenticationFailed(let reply): reply.isTransientFailure
        case .timeout, .connectionClosed, .connectionFailed: true
        default: false
        }
    }

    /// A one-line explanation; it never contains the password.
    public var description: String {
        switch self {
        case .connectionFailed(let reason): "SMTP connection failed: \(reason)"
        case .timeout(let stage): "SMTP timed out waiting for \(stage)"
        case .rejected(let command, let reply): "SMTP server rejected \(command): \(reply)"
        case .authenticationFailed(let reply): "SMTP authentication failed: \(reply)"
        case .authenticationUnavailable(let reason): "SMTP authentication unavailable: \(reason)"
        case .startTLSUnavailable: "SMTP server does not offer STARTTLS, which is required"
        case .tls(let reason): "SMTP TLS failure: \(reason)"
        case .connectionClosed: "SMTP server closed the connection"
        case .protocolViolation(let reason): "SMTP protocol violation: \(reason)"
        case .invalidMessage(let reason): "SMTP message invalid: \(reason)"
        }
    }
}
