import Fluent
import Foundation
import Vapor

/// Admin API for the shop's commercial rules: coupons, shipping methods, tax rates.
struct AdminCommerceRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("api", "v1", "admin").grouped(AdminTokenMiddleware())
        admin.get("coupons", use: coupons)
        admin.post("coupons", use: createCoupon)
        admin.get("shipping-methods", use: shippingMethods)
        admin.post("shipping-methods", use: createShippingMethod)
        admin.get("tax-rates", use: taxRates)
        admin.post("tax-rates", use: createTaxRate)
    }

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

    struct List<Item: Content>: Content {
        var items: [Item]
    }

    func coupons(req: Request) async throws -> List<CouponDTO> {
        List(items: try await Coupon.query(on: req.db).sort(\.$code).all().map(Self.dto))
    }

    func createCoupon(req: Request) async throws -> Response {
        let input = try req.content.decode(CouponInput.self)
        let code = Coupon.normalise(input.code)
        guard (3...64) ~= code.count,
            code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { throw InvalidField(name: "code", problem: "must be 3–64 letters, digits, '-' or '_'") }
        switch input.kind {
        case .percentage:
            guard (1...10_000) ~= input.value else {
                throw InvalidField(name: "value", problem: "must be 1–10000 basis points for a percentage coupon")
            }
        case .fixed:
            guard input.value > 0 else {
                throw InvalidField(name: "value", problem: "must be a positive amount in minor units")
            }
            guard input.currency != nil else {
                throw InvalidField(name: "currency", problem: "is required for a fixed coupon")
            }
        }
        if let currency = input.currency { _ = try Self.currency(currency) }
        guard (input.minimumSubtotal ?? 0) >= 0 else {
            throw InvalidField(name: "minimumSubtotal", problem: "must not be negative")
        }
        if let starts = input.startsAt, let ends = input.endsAt, ends <= starts {
            throw InvalidField(name: "endsAt", problem: "must be after startsAt")
        }
        if let limit = input.usageLimit, limit < 1 {
            throw InvalidField(name: "usageLimit", problem: "must be at least 1")
        }
        if let limit = input.perCustomerLimit, limit < 1 {
            throw InvalidField(name: "perCustomerLimit", problem: "must be at least 1")
        }
        guard try await Coupon.query(on: req.db).filter(\.$code == code).first() == nil else {
            throw Abort(.conflict, reason: "A coupon with code '\(code)' already exists.")
        }
        let coupon = Coupon(
            code: code, kind: input.kind, value: input.value, currency: try input.currency.map(Self.currency),
            minimumSubtotal: input.minimumSubtotal ?? 0, startsAt: input.startsAt, endsAt: input.endsAt,
            usageLimit: input.usageLimit, perCustomerLimit: input.perCustomerLimit)
        try await coupon.create(on: req.db)
        return try await Self.dto(coupon).encodeResponse(status: .created, for: req)
    }

    struct ShippingMethodInput: Content {
        var code: String
        var name: String
        var zone: String
        var rateKind: ShippingMethod.RateKind
        var flatAmount: Int64?
        var weightBands: [ShippingMethod.WeightBand]?
        var freeOver: Int64?
        var currency: String
        var position: Int?
    }

    struct ShippingMethodDTO: Content, Equatable {
        var id: UUID
        var code: String
        var name: String
        var zone: String
        var rateKind: ShippingMethod.RateKind
        var flatAmount: Int64
        var weightBands: [ShippingMethod.WeightBand]
        var freeOver: Int64?
        var currency: String
    }

    func shippingMethods(req: Request) async throws -> List<ShippingMethodDTO> {
        List(items: try await ShippingMethod.query(on: req.db).sort(\.$position).all().map(Self.dto))
    }

    func createShippingMethod(req: Request) async throws -> Response {
        let input = try req.content.decode(ShippingMethodInput.self)
        let code = input.code.trimmingCharacters(in: .whitespaces).lowercased()
        guard (2...40) ~= code.count, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else {
            throw InvalidField(name: "code", problem: "must be 2–40 lower-case letters, digits or '-'")
        }
        let name = input.name.trimmingCharacters(in: .whitespaces)
        guard (1...100) ~= name.count else { throw InvalidField(name: "name", problem: "must be 1–100 characters") }
        let zone = input.zone.replacingOccurrences(of: " ", with: "").uppercased()
        let entries = zone.split(separator: ",")
        guard !entries.isEmpty,
            entries.allSatisfy({ entry in
                entry == "*" || entry.count == 2
                    || (entry.count > 3 && entry.count <= 12 && entry.dropFirst(2).first == "-")
            })
        else {
            throw InvalidField(
                name: "zone", problem: "must list country codes or country-region codes: DE,AT,US-CA or *")
        }
        // Checked whenever given, not only for the rate kind that uses them: nothing invalid is stored.
        if let amount = input.flatAmount, amount < 0 {
            throw InvalidField(name: "flatAmount", problem: "must not be negative")
        }
        if let bands = input.weightBands, !bands.allSatisfy({ $0.upToGrams > 0 && $0.amount >= 0 }) {
            throw InvalidField(name: "weightBands", problem: "need upToGrams > 0 and amount >= 0 in every band")
        }
        switch input.rateKind {
        case .flat:
            guard input.flatAmount != nil else {
                throw InvalidField(name: "flatAmount", problem: "is required for a flat rate and must not be negative")
            }
        case .weight:
            guard let bands = input.weightBands, !bands.isEmpty else {
                throw InvalidField(
                    name: "weightBands", problem: "needs at least one band with upToGrams > 0 and amount >= 0")
            }
        }
        if let freeOver = input.freeOver, freeOver < 0 {
            throw InvalidField(name: "freeOver", problem: "must not be negative")
        }
        guard try await ShippingMethod.query(on: req.db).filter(\.$code == code).first() == nil else {
            throw Abort(.conflict, reason: "A shipping method with code '\(code)' already exists.")
        }
        let method = ShippingMethod(
            code: code, name: name, zone: zone, rateKind: input.rateKind, flatAmount: input.flatAmount ?? 0,
            weightBands: input.weightBands ?? [], freeOver: input.freeOver, currency: try Self.currency(input.currency),
            position: input.position ?? 0)
        try await method.create(on: req.db)
        return try await Self.dto(method).encodeResponse(status: .created, for: req)
    }

    struct TaxRateInput: Content {
        var country: String
        var region: String?
        var name: String
        /// 1900 for 19 %.
        var rateBasisPoints: Int
    }

    struct TaxRateDTO: Content, Equatable {
        var id: UUID
        var country: String
        var region: String?
        var name: String
        var rateBasisPoints: Int
    }

    func taxRates(req: Request) async throws -> List<TaxRateDTO> {
        List(items: try await TaxRate.query(on: req.db).sort(\.$country).all().map(Self.dto))
    }

    func createTaxRate(req: Request) async throws -> Response {
        let input = try req.content.decode(TaxRateInput.self)
        let country = input.country.uppercased()
        guard country.count == 2, country.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw InvalidField(name: "country", problem: "must be a two-letter ISO country code")
        }
        guard (0...10_000) ~= input.rateBasisPoints else {
            throw InvalidField(name: "rateBasisPoints", problem: "must be 0–10000 (1900 is 19 %)")
        }
        let name = input.name.trimmingCharacters(in: .whitespaces)
        guard (1...100) ~= name.count else { throw InvalidField(name: "name", problem: "must be 1–100 characters") }
        // Unicode scalars, as the OpenAPI document's maxLength counts them.
        if let region = input.region, !(1...10 ~= region.unicodeScalars.count) {
            throw InvalidField(name: "region", problem: "must be 1–10 characters")
        }
        let rate = TaxRate(country: country, region: input.region, name: name, rateBasisPoints: input.rateBasisPoints)
        try await rate.create(on: req.db)
        return try await Self.dto(rate).encodeResponse(status: .created, for: req)
    }

    private static func currency(_ raw: String) throws -> String {
        let code = raw.uppercased()
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw InvalidField(name: "currency", problem: "must be a three-letter ISO currency code such as EUR")
        }
        return code
    }

    private static func dto(_ coupon: Coupon) throws -> CouponDTO {
        CouponDTO(
            id: try coupon.requireID(), code: coupon.code, kind: coupon.kind, value: coupon.value,
            currency: coupon.currency, minimumSubtotal: coupon.minimumSubtotal, startsAt: coupon.startsAt,
            endsAt: coupon.endsAt, usageLimit: coupon.usageLimit, perCustomerLimit: coupon.perCustomerLimit,
            timesUsed: coupon.timesUsed)
    }

    private static func dto(_ method: ShippingMethod) throws -> ShippingMethodDTO {
        ShippingMethodDTO(
            id: try method.requireID(), code: method.code, name: method.name, zone: method.zone,
            rateKind: method.rateKind, flatAmount: method.flatAmount, weightBands: method.weightBands,
            freeOver: method.freeOver, currency: method.currency)
    }

    private static func dto(_ rate: TaxRate) throws -> TaxRateDTO {
        TaxRateDTO(
            id: try rate.requireID(), country: rate.country, region: rate.region, name: rate.name,
            rateBasisPoints: rate.rateBasisPoints)
    }
}
