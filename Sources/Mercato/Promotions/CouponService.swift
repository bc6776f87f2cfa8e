import Fluent
import Foundation
import SQLKit
import Vapor

/// Checks coupons against a basket, redeems them under their limits, and administers them.
struct CouponService {
    let db: any Database

    /// The coupon for `code` if it applies to a basket of `subtotal` right now; its limits are
    /// checked again, atomically, by `redeem` at checkout.
    func applicable(
        code: String, subtotal: Int64, currency: String, customerKey: String?, now: Date = Date()
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
            try await usage(of: coupon, by: customerKey) >= perCustomer
        {
            throw CouponError.alreadyUsed(normalised)
        }
        return coupon
    }

    /// Counts one use, inside the checkout transaction. Each counter moves only by a conditional
    /// update, which PostgreSQL re-checks after waiting for a concurrent one: limits hold however
    /// many checkouts race.
    func redeem(_ coupon: Coupon, customerKey: String) async throws {
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

    private func usage(of coupon: Coupon, by customerKey: String) async throws -> Int {
        let row = try await db.sql.raw(
            """
            SELECT times_used FROM coupon_customer_usage
            WHERE coupon_id = \(bind: try coupon.requireID()) AND customer_key = \(bind: customerKey)
            """
        ).first()
        return try row?.decode(column: "times_used", as: Int.self) ?? 0
    }

    func list() async throws -> [CouponDTO] {
        try await Coupon.query(on: db).sort(\.$code).all().map(Self.dto)
    }

    /// Adds a coupon; its code is unique (the database refuses a second one).
    func create(_ input: CouponInput) async throws -> CouponDTO {
        let code = Coupon.normalise(input.code)
        guard (3...64) ~= code.count,
            code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { throw InvalidField(name: "code", problem: "must be 3–64 letters, digits, '-' or '_'") }
        try Self.checkValue(input)
        let currency = try input.currency.map { try CurrencyCode.validated($0) }
        try Money.checkAmount(input.minimumSubtotal ?? 0, field: "minimumSubtotal")
        if let starts = input.startsAt, let ends = input.endsAt, ends <= starts {
            throw InvalidField(name: "endsAt", problem: "must be after startsAt")
        }
        if let limit = input.usageLimit, limit < 1 {
            throw InvalidField(name: "usageLimit", problem: "must be at least 1")
        }
        if let limit = input.perCustomerLimit, limit < 1 {
            throw InvalidField(name: "perCustomerLimit", problem: "must be at least 1")
        }
        let coupon = Coupon(
            code: code, kind: input.kind, value: input.value, currency: currency,
            minimumSubtotal: input.minimumSubtotal ?? 0, startsAt: input.startsAt, endsAt: input.endsAt,
            usageLimit: input.usageLimit, perCustomerLimit: input.perCustomerLimit)
        try await coupon.create(
            on: db, refusingDuplicateAs: DuplicateRecord(description: "A coupon with code '\(code)'"))
        return try Self.dto(coupon)
    }

    private static func checkValue(_ input: CouponInput) throws {
        switch input.kind {
        case .percentage:
            guard (1...10_000) ~= input.value else {
                throw InvalidField(name: "value", problem: "must be 1–10000 basis points for a percentage coupon")
            }
        case .fixed:
            guard input.value > 0 else {
                throw InvalidField(name: "value", problem: "must be a positive amount in minor units")
            }
            try Money.checkAmount(input.value, field: "value")
            guard input.currency != nil else {
                throw InvalidField(name: "currency", problem: "is required for a fixed coupon")
            }
        }
    }

    private static func dto(_ coupon: Coupon) throws -> CouponDTO {
        CouponDTO(
            id: try coupon.requireID(), code: coupon.code, kind: coupon.kind, value: coupon.value,
            currency: coupon.currency, minimumSubtotal: coupon.minimumSubtotal, startsAt: coupon.startsAt,
            endsAt: coupon.endsAt, usageLimit: coupon.usageLimit, perCustomerLimit: coupon.perCustomerLimit,
            timesUsed: coupon.timesUsed)
    }
}

/// What staff submit to add a coupon.
struct CouponInput: Content {
    var code: String
    var kind: Coupon.Kind
    /// Basis points for `percentage` (1000 = 10 %), minor units for `fixed`.
    var value: Int64
    var currency: String?
    var minimumSubtotal: Int64?
    var startsAt: Date?
    var endsAt: Date?
    var usageLimit: Int?
    var perCustomerLimit: Int?
}

/// A coupon on the wire (Admin API).
struct CouponDTO: Content, Equatable {
    var id: UUID
    var code: String
    var kind: Coupon.Kind
    var value: Int64
    var currency: String?
    var minimumSubtotal: Int64
    var startsAt: Date?
    var endsAt: Date?
    var usageLimit: Int?
    var perCustomerLimit: Int?
    var timesUsed: Int
}

extension Request {
    /// Coupons on the request's database.
    var coupons: CouponService { CouponService(db: db) }
}
