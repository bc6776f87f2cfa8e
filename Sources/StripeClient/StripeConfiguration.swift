/// How a ``StripeClient`` reaches Stripe: the key it authenticates with, the address, and how patient
/// it is.
public struct StripeConfiguration: Sendable, Hashable {
    /// The API version every request pins with the `Stripe-Version` header, so a change to the
    /// account's default version in the Stripe dashboard can never change what our models decode.
    /// Raise it deliberately, together with the models, after reading Stripe's upgrade notes.
    public static let apiVersion = "2024-06-20"

    /// Stripe's production API; tests point ``baseURL`` at a `localstripe` server instead.
    public static let defaultBaseURL = "https://api.stripe.com"

    /// The secret (`sk_…`) or restricted (`rk_…`) key, sent as a bearer token and never logged.
    public var secretKey: String
    /// `http(s)://host[:port]` without a trailing path.
    public var baseURL: String
    /// The limit for one attempt, from connecting to reading the last body byte.
    public var timeout: Duration
    /// How many times a request that failed in a retry-safe way is sent again (so at most
    /// `maximumNetworkRetries + 1` attempts). Mutating calls always carry an idempotency key, which
    /// makes re-sending them safe: Stripe replays the first outcome instead of acting twice.
    public var maximumNetworkRetries: Int
    /// The wait before the first retry; each further retry doubles it, up to ``maximumRetryDelay``.
    public var initialRetryDelay: Duration
    /// The longest wait between two attempts.
    public var maximumRetryDelay: Duration
    /// The largest response body read into memory.
    public var maximumResponseBytes: Int

    /// Creates a configuration.
    public init(
        secretKey: String,
        baseURL: String = StripeConfiguration.defaultBaseURL,
        timeout: Duration = .seconds(30),
        maximumNetworkRetries: Int = 2,
        initialRetryDelay: Duration = .milliseconds(500),
        maximumRetryDelay: Duration = .seconds(5),
        maximumResponseBytes: Int = 4 * 1024 * 1024
    ) {
        self.secretKey = secretKey
        self.baseURL = baseURL
        self.timeout = timeout
        self.maximumNetworkRetries = maximumNetworkRetries
        self.initialRetryDelay = initialRetryDelay
        self.maximumRetryDelay = maximumRetryDelay
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// Whether the key moves real money: Stripe's live keys start `sk_live_` (or `rk_live_` when restricted).
    public var isLiveMode: Bool {
        secretKey.hasPrefix("sk_live_") || secretKey.hasPrefix("rk_live_")
    }
}
