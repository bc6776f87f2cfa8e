import Foundation

/// Where requests go: scheme, host and port, with no path.
public struct AWSEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// `https` or `http`.
    public var scheme: String
    /// The host name or IP address, without brackets for IPv6.
    public var host: String
    /// An explicit port, or `nil` for the scheme's default.
    public var port: Int?

    /// Creates an endpoint from its parts.
    public init(scheme: String, host: String, port: Int? = nil) {
        self.scheme = scheme.lowercased()
        self.host = host
        self.port = port
    }

    /// Parses `http(s)://host[:port]`, as given to emulators such as moto or LocalStack and to
    /// S3-compatible stores.
    ///
    /// - Throws: ``AWSError/invalidRequest(_:)`` for anything else, including a URL with a path, which
    ///   would silently change every request's canonical URI.
    public init(url: String) throws(AWSError) {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw .invalidRequest("endpoint must look like http(s)://host[:port], got \(url)")
        }
        guard components.path.isEmpty || components.path == "/", components.query == nil else {
            throw .invalidRequest("endpoint must not have a path or query, got \(url)")
        }
        let bareHost =
            host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.init(scheme: scheme, host: bareHost, port: components.port)
    }

    /// The `Host` header value: the port is included only when it is not the scheme's default, which
    /// is what HTTP clients send and therefore what the server verifies the signature against.
    public var hostHeader: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        guard let port, port != (scheme == "https" ? 443 : 80) else { return host }
        return "\(host):\(port)"
    }

    /// `scheme://host[:port]`, to which an encoded path is appended.
    public var origin: String { "\(scheme)://\(hostHeader)" }

    /// The same as ``origin``.
    public var description: String { origin }
}
