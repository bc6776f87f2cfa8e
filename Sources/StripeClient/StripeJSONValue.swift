import Foundation

/// Any JSON value, for the parts of Stripe's answers whose shape depends on another field — an
/// event's `data.object` is a PaymentIntent, a Charge, a Refund… according to the event's `type`.
public indirect enum StripeJSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([StripeJSONValue])
    case object([String: StripeJSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([StripeJSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: StripeJSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Amounts and timestamps are integers: write them back without a fraction.
            if value.rounded() == value, abs(value) < 9e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The member `key` of an object, nil otherwise.
    public subscript(key: String) -> StripeJSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The value when it is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Decodes this value as `type`, for example an event's object as a ``StripePaymentIntent``.
    public func decode<T: Decodable>(as type: T.Type) throws(StripeError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(self))
        } catch {
            throw .invalidResponse("cannot read the object as \(T.self): \(error)")
        }
    }
}
