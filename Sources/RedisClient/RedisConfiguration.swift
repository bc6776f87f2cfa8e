/// Where the server is, how to log in, and how the pool behaves.
public struct RedisConfiguration: Sendable, Hashable {
    /// Host name or IP address of the server.
    public var host: String
    /// TCP port of the server.
    public var port: Int
    /// ACL user name sent with `AUTH`; `nil` authenticates as the `default` user.
    public var username: String?
    /// Password sent with `AUTH` on every new connection; `nil` sends no `AUTH`.
    public var password: String?
    /// Database index selected with `SELECT` on every new connection (`0` sends nothing).
    public var database: Int
    /// The most connections the pool keeps open at once; further callers wait for a free one.
    public var maximumConnections: Int
    /// Limit for opening one connection: the TCP connect, then the `AUTH`/`SELECT` handshake, each
    /// get this long.
    public var connectTimeout: Duration
    /// Limit for each reply (or each pipeline's replies); `nil` waits forever, which blocking
    /// commands like `BLPOP key 0` need.
    public var commandTimeout: Duration?
    /// TLS settings; `nil` speaks plain TCP.
    public var tls: RedisTLSConfiguration?

    /// A configuration from individual fields.
    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        maximumConnections: Int = 8,
        connectTimeout: Duration = .seconds(5),
        commandTimeout: Duration? = .seconds(5),
        tls: RedisTLSConfiguration? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.maximumConnections = maximumConnections
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.tls = tls
    }

    /// A configuration from a `redis://[[user]:password@]host[:port][/database]` URL, with the
    /// remaining settings given separately.
    ///
    /// User and password may be percent-encoded (`%40` for `@`); the port defaults to 6379 and the
    /// database to 0. `rediss://` turns on TLS trusting the system's CAs; set ``tls`` afterwards
    /// for a private CA.
    ///
    /// - Throws: ``RedisError/invalidConfiguration(_:)`` naming the part that is wrong.
    public init(
        url: String,
        maximumConnections: Int = 8,
        connectTimeout: Duration = .seconds(5),
        commandTimeout: Duration? = .seconds(5)
    ) throws {
        let parsed = try RedisURL(url)
        self.init(
            host: parsed.host,
            port: parsed.port,
            username: parsed.username,
            password: parsed.password,
            database: parsed.database,
            maximumConnections: maximumConnections,
            connectTimeout: connectTimeout,
            commandTimeout: commandTimeout,
            tls: parsed.tls ? RedisTLSConfiguration() : nil
        )
    }

    /// Rejects settings that could only fail later, so mistakes surface when the pool is created.
    func validate() throws {
        if host.isEmpty { throw RedisError.invalidConfiguration("host is empty") }
        if !(1...65535).contains(port) { throw RedisError.invalidConfiguration("port \(port) is out of range") }
        if database < 0 { throw RedisError.invalidConfiguration("database index \(database) is negative") }
        if maximumConnections < 1 {
            throw RedisError.invalidConfiguration("maximumConnections must be at least 1, not \(maximumConnections)")
        }
        if username != nil && password == nil {
            throw RedisError.invalidConfiguration("an ACL username needs a password")
        }
        if connectTimeout <= .zero { throw RedisError.invalidConfiguration("connectTimeout must be positive") }
        if let commandTimeout, commandTimeout <= .zero {
            throw RedisError.invalidConfiguration("commandTimeout must be positive or nil")
        }
    }
}

extension RedisConfiguration: CustomStringConvertible {
    /// The configuration as a URL with the password redacted, safe to log.
    public var description: String {
        var credentials = ""
        if password != nil { credentials = "\(username ?? ""):***@" }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(tls == nil ? "redis" : "rediss")://\(credentials)\(hostPart):\(port)/\(database)"
    }
}

/// The parts of a `redis://` URL. Parsed by hand because the scheme is small and this keeps the
/// client free of Foundation.
struct RedisURL {
    var host: String
    var port = 6379
    var username: String?
    var password: String?
    var database = 0
    var tls = false

    init(_ url: String) throws {
        func invalid(_ reason: String) -> RedisError {
            .invalidConfiguration("\(reason) in Redis URL \(RedisURL.redacted(url))")
        }
        let lowercased = url.lowercased()
        tls = lowercased.hasPrefix("rediss://")
        guard tls || lowercased.hasPrefix("redis://") else { throw invalid("scheme is not redis:// or rediss://") }
        var rest = Substring(url.dropFirst(tls ? "rediss://".count : "redis://".count))
        if rest.contains("?") || rest.contains("#") { throw invalid("query or fragment is not supported") }

        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        // The last "@" separates credentials, so an unencoded "@" inside a password still works.
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let user = try RedisURL.percentDecoded(userInfo[..<colon], invalid)
                username = user.isEmpty ? nil : user
                password = try RedisURL.percentDecoded(userInfo[userInfo.index(after: colon)...], invalid)
            } else if !userInfo.isEmpty {
                throw invalid("user without a password (write redis://:password@host for a password alone)")
            }
        }

        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw invalid("unterminated IPv6 address") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let afterHost = rest[rest.index(after: close)...]
            if !afterHost.isEmpty {
                guard afterHost.hasPrefix(":") else { throw invalid("unexpected text after IPv6 address") }
                portText = afterHost.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            portText = rest[rest.index(after: colon)...]
        } else {
            host = String(rest)
        }
        if host.isEmpty { throw invalid("host is missing") }
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw invalid("port \"\(portText)\" is not a number from 1 to 65535")
            }
            port = number
        }
        if !path.isEmpty {
            guard let number = Int(path), number >= 0 else {
                throw invalid("database \"\(path)\" is not a non-negative number")
            }
            database = number
        }
    }

    private static func percentDecoded(
        _ text: Substring,
        _ invalid: (String) -> RedisError
    ) throws -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw invalid("malformed percent-encoding in credentials")
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The URL with its credentials blanked, so parse errors never leak a password into logs.
    static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://"), let at = url.lastIndex(of: "@"), at > schemeEnd.upperBound
        else { return url }
        return String(url[..<schemeEnd.upperBound]) + "***" + String(url[at...])
    }
}
