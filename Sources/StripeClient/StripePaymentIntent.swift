/// A PaymentIntent: one attempt to collect an amount, from creation through confirmation (and
/// authentication when the bank asks for it) to success, capture or cancellation.
public struct StripePaymentIntent: StripeIdentifiable, Decodable, Hashable {
    /// Where the intent is in its lifecycle. A struct rather than an enum so a status Stripe adds
    /// later decodes instead of failing the whole answer.
    public struct Status: RawRepresentable, Sendable, Hashable, Decodable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }
        public var description: String { rawValue }

        public static let requiresPaymentMethod = Status(rawValue: "requires_payment_method")
        public static let requiresConfirmation = Status(rawValue: "requires_confirmation")
        public static let requiresAction = Status(rawValue: "requires_action")
        public static let processing = Status(rawValue: "processing")
        public static let requiresCapture = Status(rawValue: "requires_capture")
        public static let canceled = Status(rawValue: "canceled")
        public static let succeeded = Status(rawValue: "succeeded")
    }

    /// What the customer must do before the payment can go on.
    public struct NextAction: Sendable, Hashable, Decodable {
        /// A page to send the customer to, then back to `returnURL`.
        public struct RedirectToURL: Sendable, Hashable, Decodable {
            public var url: String?
            public var returnURL: String?
            enum CodingKeys: String, CodingKey {
                case url
                case returnURL = "return_url"
            }
        }

        /// `redirect_to_url`, `use_stripe_sdk` (Stripe.js handles it with the client secret), …
        public var type: String
        public var redirectToURL: RedirectToURL?

        enum CodingKeys: String, CodingKey {
            case type
            case redirectToURL = "redirect_to_url"
        }
    }

    /// Why the last attempt failed; the same shape as an API error object.
    public struct LastPaymentError: Sendable, Hashable, Decodable {
        public var type: String?
        public var code: String?
        public var declineCode: String?
        public var message: String?
        public var param: String?

        enum CodingKeys: String, CodingKey {
            case type, code, message, param
            case declineCode = "decline_code"
        }
    }

    public var id: String
    public var status: Status
    /// Minor units of ``currency``.
    public var amount: Int64
    /// Lower-case ISO code, as Stripe answers it.
    public var currency: String
    /// Hand to Stripe.js in the customer's browser; never log it.
    public var clientSecret: String?
    /// `automatic`, `automatic_async` or `manual` (authorise now, capture later).
    public var captureMethod: String?
    public var amountCapturable: Int64?
    /// What was collected; `localstripe` leaves it null.
    public var amountReceived: Int64?
    public var paymentMethod: StripeExpandable<StripePaymentMethod>?
    public var latestCharge: StripeExpandable<StripeCharge>?
    public var lastPaymentError: LastPaymentError?
    public var nextAction: NextAction?
    public var metadata: [String: String]
    public var receiptEmail: String?
    public var cancellationReason: String?
    public var livemode: Bool?
    /// Unix seconds.
    public var created: Int64?

    enum CodingKeys: String, CodingKey {
        case id, status, amount, currency, metadata, livemode, created
        case clientSecret = "client_secret"
        case captureMethod = "capture_method"
        case amountCapturable = "amount_capturable"
        case amountReceived = "amount_received"
        case paymentMethod = "payment_method"
        case latestCharge = "latest_charge"
        case lastPaymentError = "last_payment_error"
        case nextAction = "next_action"
        case receiptEmail = "receipt_email"
        case cancellationReason = "cancellation_reason"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        status = try container.decode(Status.self, forKey: .status)
        amount = try container.decode(Int64.self, forKey: .amount)
        currency = try container.decode(String.self, forKey: .currency)
        clientSecret = try container.decodeIfPresent(String.self, forKey: .clientSecret)
        captureMethod = try container.decodeIfPresent(String.self, forKey: .captureMethod)
        amountCapturable = try container.decodeIfPresent(Int64.self, forKey: .amountCapturable)
        amountReceived = try container.decodeIfPresent(Int64.self, forKey: .amountReceived)
        paymentMethod = try container.decodeIfPresent(StripeExpandable.self, forKey: .paymentMethod)
        latestCharge = try container.decodeIfPresent(StripeExpandable.self, forKey: .latestCharge)
        lastPaymentError = try container.decodeIfPresent(LastPaymentError.self, forKey: .lastPaymentError)
        nextAction = try container.decodeIfPresent(NextAction.self, forKey: .nextAction)
        metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
        receiptEmail = try container.decodeIfPresent(String.self, forKey: .receiptEmail)
        cancellationReason = try container.decodeIfPresent(String.self, forKey: .cancellationReason)
        livemode = try container.decodeIfPresent(Bool.self, forKey: .livemode)
        created = try container.decodeIfPresent(Int64.self, forKey: .created)
    }
}
