/// How checkout prices, reserves and signs in: shop-wide commercial settings.
public struct CheckoutSettings: Sendable {
    /// Whether catalogue prices already include tax (EU-style) or tax is added on top (US-style).
    public var pricesIncludeTax: Bool
    /// How long stock stays reserved for an unpaid order before the reservation expires.
    public var reservationMinutes: Int
    /// How long a customer stays signed in (web session or API token).
    public var sessionDays: Int
    /// Failed sign-ins an account may have in one throttle window before each further attempt
    /// waits: `loginFirstDelaySeconds`, then twice as long after every failure, up to
    /// `loginMaximumDelaySeconds`. A delay rather than a lockout, so nobody can shut a customer out
    /// by guessing wrong.
    public var loginAttemptsPerAccount: Int
    public var loginFirstDelaySeconds: Int
    /// The longest wait between attempts on one account.
    public var loginMaximumDelaySeconds: Int
    /// Failed sign-ins one client address may make in a window, across all accounts.
    public var loginAttemptsPerAddress: Int
    /// The window both counters run over.
    public var loginThrottleMinutes: Int
    /// bcrypt cost for customer passwords: 12 in production; tests lower it to stay fast.
    public var passwordHashCost: Int
    /// Signs the built-in test provider's webhooks, so the test flow exercises verification too.
    public var testWebhookSecret: String

    /// The test provider's webhook secret on a laptop: public, so deployed environments refuse it.
    static let defaultTestWebhookSecret = "whsec_mercato_test"

    static func read(with reader: inout SettingsReader) -> CheckoutSettings {
        CheckoutSettings(
            pricesIncludeTax: reader.boolean("checkout.pricesIncludeTax", default: true),
            reservationMinutes: reader.integer("checkout.reservationMinutes", default: 30, range: 1...1_440),
            sessionDays: reader.integer("checkout.sessionDays", default: 30, range: 1...365),
            loginAttemptsPerAccount: reader.integer("checkout.loginAttemptsPerAccount", default: 5, range: 1...100),
            loginFirstDelaySeconds: reader.integer("checkout.loginFirstDelaySeconds", default: 1, range: 1...600),
            loginMaximumDelaySeconds: reader.integer(
                "checkout.loginMaximumDelaySeconds", default: 30, range: 1...3_600),
            loginAttemptsPerAddress: reader.integer("checkout.loginAttemptsPerAddress", default: 20, range: 1...1_000),
            loginThrottleMinutes: reader.integer("checkout.loginThrottleMinutes", default: 15, range: 1...1_440),
            passwordHashCost: reader.integer("checkout.passwordHashCost", default: 12, range: 4...31),
            testWebhookSecret: reader.text(
                "checkout.testWebhookSecret", default: defaultTestWebhookSecret, secret: true)
                ?? "whsec_mercato_test")
    }
}
