/// A refund of all or part of a succeeded payment.
public struct StripeRefund: StripeIdentifiable, Decodable, Hashable {
    public var id: String
    /// Minor units of ``currency``.
    public var amount: Int64
    public var currency: String
    /// `pending`, `requires_action`, `succeeded`, `failed` or `canceled`.
    public var status: String?
    public var paymentIntent: String?
    public var charge: String?
    public var reason: String?
    public var metadata: [String: String]
    /// Unix seconds.
    public var created: Int64?

    enum CodingKeys: String, CodingKey {
        case id, amount, currency, status, charge, reason, metadata, created
        case paymentIntent = "payment_intent"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        amount = try container.decode(Int64.self, forKey: .amount)
        currency = try container.decode(String.self, forKey: .currency)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        paymentIntent = try container.decodeIfPresent(String.self, forKey: .paymentIntent)
        charge = try container.decodeIfPresent(String.self, forKey: .charge)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
        created = try container.decodeIfPresent(Int64.self, forKey: .created)
    }
}
