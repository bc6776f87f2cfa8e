import Fluent
import SQLKit

/// Shipping methods (each for a zone of countries and regions, with a flat, weight-band or
/// free-over-threshold rate) and tax rates by country and region.
struct CreateShippingAndTax: AsyncMigration {
    let name = "0011_create_shipping_and_tax"

    func prepare(on database: any Database) async throws {
        try await database.schema("shipping_methods")
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("zone", .string, .required)
            .field("rate_kind", .string, .required)
            .field("flat_amount", .int64, .required)
            .field("weight_bands", .string, .required)
            .field("free_over", .int64)
            .field("currency", .string, .required)
            .field("position", .int, .required)
            .field("active", .bool, .required)
            .unique(on: "code")
            .create()
        try await database.schema("tax_rates")
            .id()
            .field("country", .string, .required)
            .field("region", .string)
            .field("name", .string, .required)
            .field("rate_basis_points", .int, .required)
            .create()
        try await database.sql.create(index: "idx_tax_rates_country").on("tax_rates").column("country").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tax_rates").delete()
        try await database.schema("shipping_methods").delete()
    }
}
