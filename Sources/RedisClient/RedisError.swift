/// Everything the client throws.
///
/// Only ``server(_:)`` leaves the connection usable: the server understood the command and said
/// no. Every other case means the connection is in an unknown state, so it is closed and the
/// pool replaces it.
public enum RedisError: Error, Sendable, Hashable {
    /// The server answered with an error reply, e.g. `"WRONGTYPE Operation against a key holding
    /// the wrong kind of value"` or `"ERR syntax error"`; the message is the reply without its `-`.
    case server(String)
    /// `AUTH` was rejected while opening a connection (wrong password or unknown ACL user).
    case authenticationFailed(String)
    /// The TCP connection could not be opened: refused, unreachable host, unresolvable name.
    case connectionFailed(String)
    /// Opening the connection (TCP connect plus `AUTH`/`SELECT`) took longer than
    /// ``RedisConfiguration/connectTimeout``.
    case connectTimeout
    /// No reply arrived within ``RedisConfiguration/commandTimeout``. The command may still have
    /// run on the server; the connection was closed so its late reply cannot be mistaken for the
    /// reply to a later command.
    case commandTimeout
    /// The connection was closed (by the server, the network, or ``RedisConnection/close()``)
    /// before the reply arrived.
    case connectionClosed
    /// The server sent bytes that are not valid RESP2, or a reply nobody asked for.
    case protocolError(String)
    /// A reply had a type the convenience command cannot interpret, e.g. an array from `GET`.
    case unexpectedReply(String)
    /// ``RedisConnectionPool/shutdown()`` was called; the pool accepts no more commands.
    case poolShutDown
    /// The configuration or URL is unusable; the message says which part.
    case invalidConfiguration(String)
    /// The TLS handshake failed, most often because the server's certificate is not signed by a
    /// trusted CA (see ``RedisTLSConfiguration/caFile``) or does not name the host connected to.
    case tlsHandshakeFailed(String)
    /// A cluster client cannot run this command: it names keys in different hash slots, or the
    /// client does not know where the command's keys are. The message names the command.
    case clusterUnsupported(String)
    /// The cluster could not route the command: no slot map could be loaded from any node, the
    /// slot has no owner, or redirects did not settle. The message says which.
    case clusterUnavailable(String)
}

extension RedisError: CustomStringConvertible {
    /// A one-line explanation suitable for logs and HTTP 5xx diagnostics.
    public var description: String {
        switch self {
        case .server(let message): return "Redis error reply: \(message)"
        case .authenticationFailed(let message): return "Redis authentication failed: \(message)"
        case .connectionFailed(let reason): return "Could not connect to Redis: \(reason)"
        case .connectTimeout: return "Timed out connecting to Redis"
        case .commandTimeout: return "Redis command timed out; the connection was closed"
        case .connectionClosed: return "Redis connection closed before the reply arrived"
        case .protocolError(let reason): return "Redis protocol error: \(reason)"
        case .unexpectedReply(let reason): return "Unexpected Redis reply: \(reason)"
        case .poolShutDown: return "The Redis connection pool has been shut down"
        case .invalidConfiguration(let reason): return "Invalid Redis configuration: \(reason)"
        case .tlsHandshakeFailed(let reason): return "Redis TLS handshake failed: \(reason)"
        case .clusterUnsupported(let reason): return "Not possible in Redis cluster mode: \(reason)"
        case .clusterUnavailable(let reason): return "Redis cluster unavailable: \(reason)"
        }
    }
}
