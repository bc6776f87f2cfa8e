import Fluent
import Foundation
import SQLKit
import Vapor

/// What staff submit to add a tax rate.
struct TaxRateInput: Content {
    var country: String
    var region: String?
    var name: String
    /// 1900 for 19 %.
    var rateBasisPoints: Int
}

/// A tax rate on the wire.
struct TaxRateDTO: Content, Equatable {
    var id: UUID
    var country: String
    var region: String?
    var name: String
    var rateBasisPoints: Int
}

/// Tax rates by country and region: the rate checkout applies, and their administration.
struct TaxService {
    let db: any Database

    /// The rate that applies to an address: the region's own rate, else the country's, else none.
    func basisPoints(country: String, region: String?) async throws -> Int {
        // A plain statement: checkout asks this for every order, and only these two columns count.
        let rates = try await db.sql.raw(
            "SELECT region, rate_basis_points FROM tax_rates WHERE country = \(bind: country.uppercased())"
        ).all().map { row in
            (
                region: try row.decode(column: "region", as: String?.self),
                basisPoints: try row.decode(column: "rate_basis_points", as: Int.self)
            )
        }
        if let region, let regional = rates.first(where: { $0.region == region.uppercased() }) {
            return regional.basisPoints
        }
        return rates.first { $0.region == nil }?.basisPoints ?? 0
    }

    func list() async throws -> [TaxRateDTO] {
        try await TaxRate.query(on: db).sort(\.$country).sort(\.$region).all().map(Self.dto)
    }

    /// Adds a rate; one per country, and one per region of a country (a unique index).
    func create(_ input: TaxRateInput) async throws -> TaxRateDTO {
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
        let place = rate.region.map { "\(country)-\($0)" } ?? country
        try await rate.create(on: db, refusingDuplicateAs: DuplicateRecord(description: "A tax rate for \(place)"))
        return try Self.dto(rate)
    }

    private static func dto(_ rate: TaxRate) throws -> TaxRateDTO {
        TaxRateDTO(
            id: try rate.requireID(), country: rate.country, region: rate.region, name: rate.name,
            rateBasisPoints: rate.rateBasisPoints)
    }
}

extension Request {
    /// Tax rates on the request's database.
    var taxes: TaxService { TaxService(db: db) }
}
