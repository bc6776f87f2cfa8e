import Fluent
import Foundation

/// A tax rate for a country, or for one region of it (which wins over the country's rate).
final class TaxRate: Model, @unchecked Sendable {
    static let schema = "tax_rates"

    @ID(key: .id) var id: UUID?
    @Field(key: "country") var country: String
    @OptionalField(key: "region") var region: String?
    @Field(key: "name") var name: String
    @Field(key: "rate_basis_points") var rateBasisPoints: Int

    init() {}

    init(country: String, region: String? = nil, name: String, rateBasisPoints: Int) {
        self.id = UUID()
        self.country = country.uppercased()
        self.region = region?.uppercased()
        self.name = name
        self.rateBasisPoints = rateBasisPoints
    }
}
