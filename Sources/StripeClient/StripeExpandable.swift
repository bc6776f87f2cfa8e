/// A Stripe object that has an id.
public protocol StripeIdentifiable: Sendable {
    var id: String { get }
}

/// A field Stripe answers with either an id or, when expanded, the whole object — `latest_charge`
/// is an id from Stripe unless `expand[]` asks for it, and always the object from `localstripe`.
public enum StripeExpandable<Object: StripeIdentifiable & Decodable & Hashable>: Sendable, Hashable, Decodable {
    case id(String)
    case object(Object)

    /// The id either way.
    public var id: String {
        switch self {
        case .id(let id): id
        case .object(let object): object.id
        }
    }

    /// The object when it was expanded.
    public var object: Object? {
        if case .object(let object) = self { return object }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let id = try? container.decode(String.self) {
            self = .id(id)
        } else {
            self = .object(try container.decode(Object.self))
        }
    }
}
