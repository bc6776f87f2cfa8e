import Fluent
import SQLKit

/// One rate per country and one per region of it: the database refuses a second, so two staff
/// adding the same rate at once can't both succeed. The table itself dates from
/// `0011_create_shipping_and_tax`, written before tax was a domain of its own.
struct AddTaxRateUniqueness: AsyncMigration {
    let name = "0031_add_tax_rate_uniqueness"

    func prepare(on database: any Database) async throws {
        // COALESCE: a plain unique index lets any number of NULL regions (country-wide rates) through.
        try await database.sql.raw(
            "CREATE UNIQUE INDEX idx_tax_rates_place ON tax_rates (country, COALESCE(region, ''))"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX idx_tax_rates_place").run()
    }
}
