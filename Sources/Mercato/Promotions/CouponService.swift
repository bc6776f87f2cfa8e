import Fluent
import Foundation
import SQLKit

/// Checks coupons against a basket and redeems them under their limits.
enum CouponService {
    /// The coupon for `code` if it applies to a basket of `subtotal` right now; its limits are
    /// checked again, atomically, by `redeem` at checkout.
    static func applicable(
        code: String, subtotal: Int64, currency: String, customerKey: String?, now: Date = Date(),
        on db: any Database
    ) async throws -> Coupon {
        let normalised = Coupon.normalise(code)
        guard !normalised.isEmpty, normalised.count <= 64,
            let coupon = try await Coupon.query(on: db).filter(\.$code == normalised).filter(\.$active == true).first()
        else { throw CouponError.unknown(String(code.prefix(64))) }
        if let startsAt = coupon.startsAt, now < startsAt { throw CouponError.notYetValid(normalised) }
        if let endsAt = coupon.endsAt, now >= endsAt { throw CouponError.expired(normalised) }
        if let limit = coupon.usageLimit, coupon.timesUsed >= limit { throw CouponError.exhausted(normalised) }
        if let couponCurrency = coupon.currency, couponCurrency != currency {
            throw CouponError.wrongCurrency(normalised)
        }
        if subtotal < coupon.minimumSubtotal {
            throw CouponError.belowMinimum(
                code: normalised, minimum: Money(amount: coupon.minimumSubtotal, currency: currency))
        }
        if let customerKey, let perCustomer = coupon.perCustomerLimit,
            try await usage(of: coupon, by: customerKey, on: db) >= perCustomer
        {
            throw CouponError.alreadyUsed(normalised)
        }
        return coupon
    }

    /// Counts one use, inside the checkout transaction. Each counter moves only by a conditional
    /// update, which PostgreSQL re-checks after waiting for a concurrent one: limits hold however
    /// many checkouts race.
    static func redeem(_ coupon: Coupon, customerKey: String, on db: any Database) async throws {
        let sql = try db.sql
        let id = try coupon.requireID()
        let counted = try await sql.raw(
            """
            UPDATE coupons SET times_used = times_used + 1
            WHERE id = \(bind: id) AND (usage_limit IS NULL OR times_used < usage_limit)
            RETURNING id
            """
        ).all()
        guard !counted.isEmpty else { throw CouponError.exhausted(coupon.code) }
        try await sql.raw(
            """
            INSERT INTO coupon_customer_usage (coupon_id, customer_key, times_used)
            VALUES (\(bind: id), \(bind: customerKey), 0) ON CONFLICT DO NOTHING
            """
        ).run()
        let limit = coupon.perCustomerLimit ?? Int(Int32.max)
        let mine = try await sql.raw(
            """
            UPDATE coupon_customer_usage SET times_used = times_used + 1
            WHERE coupon_id = \(bind: id) AND customer_key = \(bind: customerKey) AND times_used < \(bind: limit)
            RETURNING coupon_id
            """
        ).all()
        guard !mine.isEmpty else { throw CouponError.alreadyUsed(coupon.code) }
    }

    private static func usage(of coupon: Coupon, by customerKey: String, on db: any Database) async throws -> Int {
        let row = try await db.sql.raw(
            """
            SELECT times_used FROM coupon_customer_usage
            WHERE coupon_id = \(bind: try coupon.requireID()) AND customer_key = \(bind: customerKey)
            """
        ).first()
        return try row?.decode(column: "times_used", as: Int.self) ?? 0
    }
}
