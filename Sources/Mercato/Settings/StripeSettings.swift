import Foundation

/// How the Stripe payment adapter reaches Stripe (`adapters.payments: stripe`).
public struct StripeSettings: Sendable, Equatable {
    /// `sk_test_…` / `sk_live_…` (or a restricted `rk_…` key); printed redacted, never logged.
    public var secretKey: String?
    /// The webhook endpoint's signing secret, `whsec_…`; printed redacted, never logged.
    public var webhookSecret: String?
    /// Another Stripe API address, such as a `localstripe` server in tests; unset means Stripe itself.
    public var apiBaseURL: String?
    /// How long one attempt at a Stripe call may take.
    public var timeoutSeconds: Int
    /// `pk_test_…` / `pk_live_…`: public, handed to Stripe.js in the browser.
    public var publishableKey: String?

    public init(
        secretKey: String? = nil, webhookSecret: String? = nil, apiBaseURL: String? = nil, timeoutSeconds: Int = 30,
        publishableKey: String? = nil
    ) {
        self.publishableKey = publishableKey
        self.secretKey = secretKey
        self.webhookSecret = webhookSecret
        self.apiBaseURL = apiBaseURL
        self.timeoutSeconds = timeoutSeconds
    }
}

extension StripeSettings {
    /// Reads the `stripe` section. Keys are checked for their prefix wherever they are set, so a
    /// publishable `pk_` key pasted as the secret key fails at boot instead of at the first payment.
    static func read(with reader: inout SettingsReader) -> StripeSettings {
        var settings = StripeSettings(
            secretKey: reader.text("stripe.secretKey", secret: true),
            webhookSecret: reader.text("stripe.webhookSecret", secret: true),
            apiBaseURL: reader.text("stripe.apiBaseURL"),
            timeoutSeconds: reader.integer("stripe.timeoutSeconds", default: 30, range: 1...120),
            publishableKey: reader.text("stripe.publishableKey"))
        if let key = settings.publishableKey, !key.hasPrefix("pk_") {
            reader.fail("stripe.publishableKey", "must be a publishable key (pk_test_…, pk_live_…)")
            settings.publishableKey = nil
        }
        if let key = settings.secretKey, !(key.hasPrefix("sk_") || key.hasPrefix("rk_")) {
            reader.fail(
                "stripe.secretKey",
                "must be a secret key (sk_test_…, sk_live_…) or a restricted key (rk_…); "
                    + "publishable pk_ keys cannot take payments")
            settings.secretKey = nil
        }
        if let secret = settings.webhookSecret, !secret.hasPrefix("whsec_") {
            reader.fail(
                "stripe.webhookSecret", "must be the webhook endpoint's signing secret, which starts with whsec_")
            settings.webhookSecret = nil
        }
        if let url = settings.apiBaseURL {
            let components = URLComponents(string: url)
            let scheme = components?.scheme?.lowercased()
            if components?.host?.isEmpty != false || !(scheme == "http" || scheme == "https")
                || !(components?.path ?? "").isEmpty || components?.query != nil
            {
                reader.fail("stripe.apiBaseURL", "'\(url)' is not an http(s)://host[:port] address")
                settings.apiBaseURL = nil
            }
        }
        return settings
    }

    /// What any environment refuses once Stripe takes the payments: a missing secret key or webhook
    /// secret (the first payment or webhook would fail), and in production a Stripe address that is
    /// not https.
    static func deploymentProblems(in settings: Settings) -> [(key: String, message: String)] {
        guard settings.adapters.payments == .stripe else { return [] }
        var problems: [(key: String, message: String)] = []
        let stripe = settings.stripe
        if (stripe.secretKey ?? "").isEmpty {
            problems.append(("stripe.secretKey", "the stripe payments adapter needs a secret key"))
        }
        if (stripe.webhookSecret ?? "").isEmpty {
            problems.append(
                ("stripe.webhookSecret", "the stripe payments adapter needs the webhook signing secret (whsec_…)"))
        }
        if settings.environment == .production, let url = stripe.apiBaseURL, !url.lowercased().hasPrefix("https://") {
            problems.append(("stripe.apiBaseURL", "production must reach Stripe over https, got '\(url)'"))
        }
        return problems
    }
}
