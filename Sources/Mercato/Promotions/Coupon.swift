import Fluent
import Foundation

/// A coupon code: a percentage or a fixed amount off the subtotal, with a minimum subtotal, a
/// validity window and usage limits.
final class Coupon: Model, @unchecked Sendable {
    static let schema = "coupons"

    enum Kind: String, Codable, Sendable, CaseIterable {
        /// `value` is in basis points: 1000 takes 10 % off.
        case percentage
        /// `value` is in minor units of `currency`.
        case fixed
    }

    @ID(key: .id) var id: UUID?
    /// Stored upper-cased; customers may type any case.
    @Field(key: "code") var code: String
    @Field(key: "kind") var kind: Kind
    @Field(key: "value") var value: Int64
    @OptionalField(key: "currency") var currency: String?
    @Field(key: "minimum_subtotal") var minimumSubtotal: Int64
    @OptionalField(key: "starts_at") var startsAt: Date?
    @OptionalField(key: "ends_at") var endsAt: Date?
    @OptionalField(key: "usage_limit") var usageLimit: Int?
    @OptionalField(key: "per_customer_limit") var perCustomerLimit: Int?
    @Field(key: "times_used") var timesUsed: Int
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(
        code: String, kind: Kind, value: Int64, currency: String? = nil, minimumSubtotal: Int64 = 0,
        startsAt: Date? = nil, endsAt: Date? = nil, usageLimit: Int? = nil, perCustomerLimit: Int? = nil
    ) {
        self.id = UUID()
        self.code = Self.normalise(code)
        self.kind = kind
        self.value = value
        self.currency = currency
        self.minimumSubtotal = minimumSubtotal
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.usageLimit = usageLimit
        self.perCustomerLimit = perCustomerLimit
        self.timesUsed = 0
        self.active = true
        self.createdAt = Date()
    }

    static func normalise(_ code: String) -> String {
        code.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
    }

    /// What the coupon takes off `subtotal`, never more than the subtotal.
    func discount(on subtotal: Int64) -> Int64 {
        switch kind {
        case .percentage: min(subtotal, MinorUnits.scale(subtotal, by: value, over: 10_000))
        case .fixed: min(subtotal, value)
        }
    }
}
