import Fluent
import SQLKit

/// Purchasable variants (one SKU each) and their option values, kept in their own table so
/// listings can filter and count by "size = M" with an index.
struct CreateVariants: AsyncMigration {
    let name = "0004_create_variants"

    func prepare(on database: any Database) async throws {
        try await database.schema("variants")
            .id()
            .field("product_id", .uuid, .required, .references("products", "id", onDelete: .cascade))
            .field("sku", .string, .required)
            .field("title", .string, .required)
            .field("price_amount", .int64, .required)
            .field("currency", .string, .required)
            .field("compare_at_amount", .int64)
            .field("weight_grams", .int, .required)
            .field("position", .int, .required)
            .unique(on: "sku")
            .create()
        try await database.schema("variant_options")
            .field("variant_id", .uuid, .required, .references("variants", "id", onDelete: .cascade))
            .field("product_id", .uuid, .required, .references("products", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("value", .string, .required)
            .compositeIdentifier(over: "variant_id", "name")
            .create()
        let sql = try database.sql
        try await sql.create(index: "idx_variants_product").on("variants").column("product_id").run()
        try await sql.create(index: "idx_variant_options_name_value").on("variant_options").column("name")
            .column("value").column("product_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("variant_options").delete()
        try await database.schema("variants").delete()
    }
}
