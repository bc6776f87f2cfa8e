/// A saved way to pay. In production Stripe.js creates these in the browser so card numbers never
/// touch our servers; the server creates them only in tests against `localstripe`.
public struct StripePaymentMethod: StripeIdentifiable, Decodable, Hashable {
    /// What Stripe reveals about a card: never the number.
    public struct Card: Sendable, Hashable, Decodable {
        public var brand: String?
        public var last4: String?
        public var expMonth: Int?
        public var expYear: Int?

        enum CodingKeys: String, CodingKey {
            case brand, last4
            case expMonth = "exp_month"
            case expYear = "exp_year"
        }
    }

    public var id: String
    /// `card`, `sepa_debit`, …
    public var type: String
    public var card: Card?
    public var customer: String?
}

/// Card details for ``StripeClient/createCardPaymentMethod(_:idempotencyKey:)``.
public struct StripeCardDetails: Sendable, Hashable {
    public var number: String
    public var expMonth: Int
    public var expYear: Int
    public var cvc: String

    /// Creates card details.
    public init(number: String, expMonth: Int, expYear: Int, cvc: String) {
        self.number = number
        self.expMonth = expMonth
        self.expYear = expYear
        self.cvc = cvc
    }
}
