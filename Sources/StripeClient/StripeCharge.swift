/// A charge: the money movement behind a PaymentIntent attempt (its `latest_charge`), and the
/// object of `charge.*` webhook events.
public struct StripeCharge: StripeIdentifiable, Decodable, Hashable {
    public var id: String
    /// Minor units of ``currency``.
    public var amount: Int64
    /// The total refunded so far, in minor units.
    public var amountRefunded: Int64
    public var currency: String
    /// `succeeded`, `pending` or `failed`.
    public var status: String
    /// False while an authorisation waits for capture.
    public var captured: Bool?
    /// True once fully refunded.
    public var refunded: Bool?
    public var paymentIntent: String?
    public var failureCode: String?
    public var failureMessage: String?

    enum CodingKeys: String, CodingKey {
        case id, amount, currency, status, captured, refunded
        case amountRefunded = "amount_refunded"
        case paymentIntent = "payment_intent"
        case failureCode = "failure_code"
        case failureMessage = "failure_message"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        amount = try container.decode(Int64.self, forKey: .amount)
        amountRefunded = try container.decodeIfPresent(Int64.self, forKey: .amountRefunded) ?? 0
        currency = try container.decode(String.self, forKey: .currency)
        status = try container.decode(String.self, forKey: .status)
        captured = try container.decodeIfPresent(Bool.self, forKey: .captured)
        refunded = try container.decodeIfPresent(Bool.self, forKey: .refunded)
        paymentIntent = try container.decodeIfPresent(String.self, forKey: .paymentIntent)
        failureCode = try container.decodeIfPresent(String.self, forKey: .failureCode)
        failureMessage = try container.decodeIfPresent(String.self, forKey: .failureMessage)
    }
}
