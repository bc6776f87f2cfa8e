/// A webhook event: what happened (`type`) and a snapshot of the object it happened to.
public struct StripeEvent: StripeIdentifiable, Decodable, Hashable {
    /// The event's payload.
    public struct EventData: Sendable, Hashable, Decodable {
        /// The object as it was when the event happened; its shape follows the event `type`.
        public var object: StripeJSONValue
        /// For `*.updated` events, the changed fields' previous values.
        public var previousAttributes: StripeJSONValue?

        enum CodingKeys: String, CodingKey {
            case object
            case previousAttributes = "previous_attributes"
        }
    }

    /// `evt_…`; Stripe may deliver the same event more than once, so handlers deduplicate by it.
    public var id: String
    /// `payment_intent.succeeded`, `charge.refunded`, …
    public var type: String
    /// Unix seconds.
    public var created: Int64
    public var livemode: Bool?
    public var apiVersion: String?
    public var data: EventData

    enum CodingKeys: String, CodingKey {
        case id, type, created, livemode, data
        case apiVersion = "api_version"
    }

    /// The event's object decoded as `type`.
    public func object<T: Decodable>(as type: T.Type) throws(StripeError) -> T {
        try data.object.decode(as: type)
    }

    /// The `object` field of the event's object (`payment_intent`, `charge`, …).
    public var objectKind: String? { data.object["object"]?.stringValue }
}
