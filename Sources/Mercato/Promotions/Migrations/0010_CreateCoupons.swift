import Fluent
import SQLKit

/// Coupon codes and their usage counters. Limits are enforced by conditional updates on these
/// counters inside the checkout transaction, so concurrent redemptions can't overshoot.
struct CreateCoupons: AsyncMigration {
    let name = "0010_create_coupons"

    func prepare(on database: any Database) async throws {
        try await database.schema("coupons")
            .id()
            .field("code", .string, .required)
            .field("kind", .string, .required)
            .field("value", .int64, .required)
            .field("currency", .string)
            .field("minimum_subtotal", .int64, .required)
            .field("starts_at", .datetime)
            .field("ends_at", .datetime)
            .field("usage_limit", .int)
            .field("per_customer_limit", .int)
            .field("times_used", .int, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "code")
            .create()
        try await database.schema("coupon_customer_usage")
            .field("coupon_id", .uuid, .required, .references("coupons", "id", onDelete: .cascade))
            .field("customer_key", .string, .required)
            .field("times_used", .int, .required)
            .compositeIdentifier(over: "coupon_id", "customer_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("coupon_customer_usage").delete()
        try await database.schema("coupons").delete()
    }
}
