import Fluent
import Foundation

/// A way to ship an order to a zone of countries and regions, with its rate.
final class ShippingMethod: Model, @unchecked Sendable {
    static let schema = "shipping_methods"

    enum RateKind: String, Codable, Sendable, CaseIterable {
        /// One price whatever the basket.
        case flat
        /// A price per weight band; baskets heavier than the last band can't use the method.
        case weight
    }

    /// Up to and including `upToGrams`, the shipping costs `amount`.
    struct WeightBand: Codable, Equatable, Sendable {
        var upToGrams: Int
        var amount: Int64
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    /// Comma-separated ISO country codes, optionally with a region (`DE,AT,US-CA`), or `*` for anywhere.
    @Field(key: "zone") var zone: String
    @Field(key: "rate_kind") var rateKind: RateKind
    @Field(key: "flat_amount") var flatAmount: Int64
    /// JSON array of `WeightBand`, ascending.
    @Field(key: "weight_bands") var weightBandsJSON: String
    /// Merchandise value (after discount) from which shipping is free.
    @OptionalField(key: "free_over") var freeOver: Int64?
    @Field(key: "currency") var currency: String
    @Field(key: "position") var position: Int
    @Field(key: "active") var active: Bool

    init() {}

    init(
        code: String, name: String, zone: String, rateKind: RateKind, flatAmount: Int64 = 0,
        weightBands: [WeightBand] = [], freeOver: Int64? = nil, currency: String, position: Int = 0
    ) {
        self.id = UUID()
        self.code = code
        self.name = name
        self.zone = zone
        self.rateKind = rateKind
        self.flatAmount = flatAmount
        self.weightBandsJSON = String(
            decoding: (try? JSONEncoder().encode(weightBands)) ?? Data("[]".utf8), as: UTF8.self)
        self.freeOver = freeOver
        self.currency = currency
        self.position = position
        self.active = true
    }

    var weightBands: [WeightBand] {
        (try? JSONDecoder().decode([WeightBand].self, from: Data(weightBandsJSON.utf8))) ?? []
    }

    /// Whether the method ships to `country` (ISO 3166-1 alpha-2) and optional `region`.
    func serves(country: String, region: String?) -> Bool {
        let entries = zone.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        let country = country.uppercased()
        return entries.contains { entry in
            entry == "*" || entry == country || (region.map { entry == "\(country)-\($0.uppercased())" } ?? false)
        }
    }

    /// The charge for a basket, or nil when the basket is too heavy for every band.
    func charge(merchandise: Int64, weightGrams: Int) -> Int64? {
        if let freeOver, merchandise >= freeOver { return 0 }
        switch rateKind {
        case .flat:
            return flatAmount
        case .weight:
            return weightBands.sorted { $0.upToGrams < $1.upToGrams }.first { weightGrams <= $0.upToGrams }?.amount
        }
    }
}
