import Fluent
import SQLKit

/// Products, with their price range denormalised from variants so listings sort and filter by
/// price without touching the variants table.
struct CreateProducts: AsyncMigration {
    let name = "0003_create_products"

    func prepare(on database: any Database) async throws {
        try await database.schema("products")
            .id()
            .field("title", .string, .required)
            .field("slug", .string, .required)
            .field("description", .string, .required)
            .field("status", .string, .required)
            .field("brand", .string, .required)
            .field("attributes", .string, .required)
            .field("category_id", .uuid, .references("categories", "id", onDelete: .setNull))
            .field("featured", .bool, .required)
            .field("currency", .string, .required)
            .field("price_min", .int64, .required)
            .field("price_max", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "slug")
            .create()
        let sql = try database.sql
        try await sql.create(index: "idx_products_status_created").on("products").column("status")
            .column("created_at").run()
        try await sql.create(index: "idx_products_status_price").on("products").column("status")
            .column("price_min").run()
        try await sql.create(index: "idx_products_category").on("products").column("category_id").run()
        try await sql.create(index: "idx_products_brand").on("products").column("brand").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("products").delete()
    }
}
