import Fluent
import Foundation
import SQLKit
import Vapor

/// What staff submit to add a shipping method.
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

/// A shipping method on the wire (Admin API).
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

/// A shipping method a destination can use, with its base price (Store API).
struct ShippingOption: Content, Equatable {
    var code: String
    var name: String
    var price: Money
    var freeOver: Money?
}

/// Shipping methods: which serve a destination, the one checkout charges, and their administration.
struct ShippingService {
    let db: any Database

    /// The active method with this code, if any.
    ///
    /// A plain statement: checkout asks this for every order, and Fluent's model decoding
    /// reflects over all eleven properties each time.
    func activeMethod(code: String) async throws -> ShippingMethod? {
        let row = try await db.sql.raw(
            """
            SELECT id, code, name, zone, rate_kind, flat_amount, weight_bands, free_over, currency, position, active
            FROM shipping_methods WHERE code = \(bind: code) AND active = \(bind: true)
            """
        ).first()
        guard let row else { return nil }
        let method = ShippingMethod()
        method.id = try row.decode(column: "id", as: UUID.self)
        method.code = try row.decode(column: "code", as: String.self)
        method.name = try row.decode(column: "name", as: String.self)
        method.zone = try row.decode(column: "zone", as: String.self)
        method.rateKind = try row.decodeStored(column: "rate_kind", as: ShippingMethod.RateKind.self)
        method.flatAmount = try row.decode(column: "flat_amount", as: Int64.self)
        method.weightBandsJSON = try row.decode(column: "weight_bands", as: String.self)
        method.freeOver = try row.decode(column: "free_over", as: Int64?.self)
        method.currency = try row.decode(column: "currency", as: String.self)
        method.position = try row.decode(column: "position", as: Int.self)
        method.active = try row.decode(column: "active", as: Bool.self)
        method.$id.exists = true
        return method
    }

    /// Methods that ship to `country` (and `region`), cheapest base price first by position.
    func options(country: String, region: String?) async throws -> [ShippingOption] {
        try await ShippingMethod.query(on: db).filter(\.$active == true).sort(\.$position).all()
            .filter { $0.serves(country: country, region: region) }
            .map { method in
                let base = method.rateKind == .flat ? method.flatAmount : (method.weightBands.map(\.amount).min() ?? 0)
                return ShippingOption(
                    code: method.code, name: method.name, price: Money(amount: base, currency: method.currency),
                    freeOver: method.freeOver.map { Money(amount: $0, currency: method.currency) })
            }
    }

    func list() async throws -> [ShippingMethodDTO] {
        try await ShippingMethod.query(on: db).sort(\.$position).all().map(Self.dto)
    }

    /// Adds a method; its code is unique (the database refuses a second one).
    func create(_ input: ShippingMethodInput) async throws -> ShippingMethodDTO {
        let code = input.code.trimmingCharacters(in: .whitespaces).lowercased()
        guard (2...40) ~= code.count, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else {
            throw InvalidField(name: "code", problem: "must be 2–40 lower-case letters, digits or '-'")
        }
        let name = input.name.trimmingCharacters(in: .whitespaces)
        guard (1...100) ~= name.count else { throw InvalidField(name: "name", problem: "must be 1–100 characters") }
        let zone = try Self.zone(input.zone)
        try Self.checkRates(input)
        let method = ShippingMethod(
            code: code, name: name, zone: zone, rateKind: input.rateKind, flatAmount: input.flatAmount ?? 0,
            weightBands: input.weightBands ?? [], freeOver: input.freeOver,
            currency: try CurrencyCode.validated(input.currency), position: input.position ?? 0)
        try await method.create(
            on: db, refusingDuplicateAs: DuplicateRecord(description: "A shipping method with code '\(code)'"))
        return try Self.dto(method)
    }

    /// Weight bands a method may have, and the heaviest parcel one may name (100 t).
    static let maximumBands = 50
    static let maximumGrams = 100_000_000

    private static func zone(_ raw: String) throws -> String {
        let zone = raw.replacingOccurrences(of: " ", with: "").uppercased()
        let entries = zone.split(separator: ",", omittingEmptySubsequences: false)
        guard !entries.isEmpty, entries.count <= 300,
            entries.allSatisfy({ entry in
                let country = entry.prefix(2)
                let region = entry.dropFirst(3)
                let isCountry = country.count == 2 && country.allSatisfy { $0.isASCII && $0.isLetter }
                return entry == "*" || (isCountry && entry.count == 2)
                    || (isCountry && entry.dropFirst(2).first == "-" && (1...9) ~= region.count
                        && region.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            })
        else {
            throw InvalidField(
                name: "zone", problem: "must list country codes or country-region codes: DE,AT,US-CA or *")
        }
        return zone
    }

    /// Checked whenever given, not only for the rate kind that uses them: nothing invalid is stored.
    private static func checkRates(_ input: ShippingMethodInput) throws {
        if let amount = input.flatAmount { try Money.checkAmount(amount, field: "flatAmount") }
        if let bands = input.weightBands {
            guard bands.count <= Self.maximumBands else {
                throw InvalidField(name: "weightBands", problem: "must have at most \(Self.maximumBands) bands")
            }
            for (index, band) in bands.enumerated() {
                guard (1...Self.maximumGrams) ~= band.upToGrams else {
                    throw InvalidField(
                        name: "weightBands[\(index)].upToGrams", problem: "must be 1–\(Self.maximumGrams) grams")
                }
                try Money.checkAmount(band.amount, field: "weightBands[\(index)].amount")
            }
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
        if let freeOver = input.freeOver { try Money.checkAmount(freeOver, field: "freeOver") }
    }

    private static func dto(_ method: ShippingMethod) throws -> ShippingMethodDTO {
        ShippingMethodDTO(
            id: try method.requireID(), code: method.code, name: method.name, zone: method.zone,
            rateKind: method.rateKind, flatAmount: method.flatAmount, weightBands: method.weightBands,
            freeOver: method.freeOver, currency: method.currency)
    }
}

extension Request {
    /// Shipping methods on the request's database.
    var shipping: ShippingService { ShippingService(db: db) }
}
