import NIOSSL

/// How to reach and log in to one SMTP server (a relay such as SES SMTP, Postmark, or a local server).
public struct SMTPConfiguration: Sendable {
    /// Whether the session is upgraded to TLS before credentials and mail are sent.
    public enum Security: Sendable {
        /// Plain TCP: only for servers on a trusted network (a local relay, tests).
        case none
        /// Upgrade with `STARTTLS` (port 587) and refuse to continue if the server does not offer it.
        case startTLS(TLSConfiguration)

        /// STARTTLS verifying the server certificate against the system's trust roots.
        public static var startTLS: Security { .startTLS(.makeClientConfiguration()) }
    }

    /// A user name and password for `AUTH PLAIN` or `AUTH LOGIN`.
    public struct Credentials: Sendable, Hashable, CustomStringConvertible {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        /// The user name only, so credentials can end up in a log line without leaking.
        public var description: String { "Credentials(username: \(username), password: <redacted>)" }
    }

    /// A way to send credentials; both are plain text, so they belong on a TLS session.
    public enum AuthenticationMechanism: String, Sendable, CaseIterable {
        case plain = "PLAIN"
        case login = "LOGIN"
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var credentials: Credentials?
    /// The mechanisms to use, in order of preference; the first one the server offers is used.
    public var authenticationMechanisms: [AuthenticationMechanism]
    /// The name this client announces in `EHLO`.
    public var clientName: String
    /// The limit for opening the TCP connection.
    public var connectTimeout: Duration
    /// The limit for each reply, including the one after the whole message was sent.
    public var replyTimeout: Duration

    /// Creates a configuration.
    public init(
        host: String,
        port: Int = 587,
        security: Security = .startTLS,
        credentials: Credentials? = nil,
        authenticationMechanisms: [AuthenticationMechanism] = [.plain, .login],
        clientName: String = "localhost",
        connectTimeout: Duration = .seconds(10),
        replyTimeout: Duration = .seconds(60)
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.credentials = credentials
        self.authenticationMechanisms = authenticationMechanisms
        self.clientName = clientName
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
    }
}
