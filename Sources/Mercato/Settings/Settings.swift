import Foundation

/// The resolved, validated configuration of one Mercato process.
public struct Settings: Sendable {
    public var environment: AppEnvironment
    public var server: ServerSettings
    public var log: LogSettings
    public var database: DatabaseSettings
    public var redis: RedisSettings
    public var adapters: AdapterSettings
    public var storage: StorageSettings
    public var storefront: StorefrontSettings
    public var checkout: CheckoutSettings
    public var features: FeatureFlags
    public var mail: MailSettings
    /// Every key as resolved, for `mercato config print`.
    public var resolved: [ResolvedSetting]
    public var jobs = JobSettings()
    /// Where `${secret:…}` references are resolved.
    public var secrets = SecretsSettings()
    /// The Stripe payment adapter's keys and address (`stripe` section).
    public var stripe = StripeSettings()
    /// Request limits per client (`throttle.*`).
    public var throttle = ThrottleSettings()
}

public struct ServerSettings: Sendable {
    public var hostname: String
    public var port: Int
    /// The public address of the shop, used to build absolute links.
    public var baseURL: String
    /// How long in-flight requests may run after SIGTERM before connections are cut.
    public var shutdownTimeoutSeconds: Int
    /// Proxies whose `X-Forwarded-For` hops are believed (`server.trustedProxies`, CIDRs).
    var trustedProxies = TrustedProxies(networks: [])
    /// What one connection and one request may cost the server (`server.limits.*`).
    public var limits = ConnectionLimits()
}

/// Bounds on slow, idle and oversized clients, so a few sockets can't hold the server.
public struct ConnectionLimits: Sendable, Equatable {
    /// A connection with no bytes either way for this long is closed; longer than the load
    /// balancer's own idle timeout (60 s on an ALB), so it never reuses a connection we closed.
    public var idleTimeoutSeconds = 65
    /// A request body that hasn't fully arrived this long after its headers is answered `408`.
    public var bodyReadTimeoutSeconds = 30
    /// Every request is answered within this, `503` with `Retry-After` if its work isn't done.
    public var requestTimeoutSeconds = 45
    /// Longest request target (path and query) in bytes; longer ones get `414`.
    public var maximumURIBytes = 8_192
    /// Most header bytes (names and values) a request may carry; more gets `431`.
    public var maximumHeaderBytes = 16_384

    public init() {}
}

public struct LogSettings: Sendable {
    public enum Level: String, CaseIterable, Sendable {
        case trace, debug, info, notice, warning, error, critical
    }
    public enum Format: String, CaseIterable, Sendable {
        case text, json
    }
    public var level: Level
    public var format: Format
}

/// Where the data lives: an SQLite file (or memory) for the embedded default, PostgreSQL otherwise.
public enum DatabaseSettings: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresSettings)

    public static let inMemoryPath = ":memory:"
}

public struct PostgresSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var ssl: Bool
    /// Total connections this process may open, spread across its event loops.
    public var maxConnections: Int

    public init(
        host: String, port: Int, username: String, password: String?, database: String, ssl: Bool,
        maxConnections: Int
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.ssl = ssl
        self.maxConnections = maxConnections
    }
}

public struct RedisSettings: Sendable {
    /// Empty when no Redis is configured.
    public var host: String?
    public var port: Int
    public var password: String?
    public var database: Int
    public var cluster: Bool
    public var maxConnections: Int
    /// TLS with the server's certificate verified, as ElastiCache's in-transit encryption needs.
    public var tls: Bool = false
    /// PEM CA certificates to trust instead of the system's (a self-hosted Redis with a private CA).
    public var caFile: String?
}

/// Which adapter serves each port; the names are validated at boot.
public struct AdapterSettings: Sendable {
    public enum Cache: String, CaseIterable, Sendable { case memory, redis }
    public enum Storage: String, CaseIterable, Sendable { case local, s3 }
    public enum Mailer: String, CaseIterable, Sendable { case file, log, smtp, ses }
    public enum Payments: String, CaseIterable, Sendable { case test, stripe }
    public enum Search: String, CaseIterable, Sendable { case database, opensearch }

    public var cache: Cache
    public var storage: Storage
    public var mailer: Mailer
    public var payments: Payments
    public var search: Search
}

/// Where object storage keeps files: a local directory, or an S3 bucket.
public struct StorageSettings: Sendable {
    /// Local adapter: the folder served under `/media`.
    public var directory: String
    public var bucket: String?
    public var region: String
    /// A custom S3 endpoint (emulators, S3-compatible stores); AWS when unset.
    public var endpoint: String?
    public var pathStyle: Bool
    /// Where browsers fetch objects (the CDN); the bucket URL when unset.
    public var publicBaseURL: String?
    /// S3 adapter: prepended to every object key (`media/`), so uploads sit where the CDN's `/media/*`
    /// behaviour looks; public URLs are `publicBaseURL` + prefix + key. Empty, or ending in `/`.
    public var keyPrefix: String = ""
}

/// How the server-rendered storefront reaches the Store API.
public struct StorefrontSettings: Sendable {
    /// The API service's address (`http://api.internal:8080`) when the storefront runs as its own
    /// service; unset, the storefront calls the catalogue in process (`--role all`).
    public var apiBaseURL: String?
    /// How long one Store API call may take before the page fails with 503.
    public var apiTimeoutSeconds: Int
}
