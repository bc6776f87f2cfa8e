import Fluent
import FluentSQL
import SQLKit

/// What staff manage on a product beyond the seeded columns: SEO title and description, a version
/// that every product or variant write moves (the Admin API's ETag), the key a create was retried
/// under, an active flag per variant, and the slugs a product was known by, answered with a 301.
struct AddProductManagement: AsyncMigration {
    let name = "0037_add_product_management"

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        try await database.schema("products").field("seo_title", .string, .required, .sql(.default(""))).update()
        try await database.schema("products").field("seo_description", .string, .required, .sql(.default("")))
            .update()
        try await database.schema("products").field("version", .int64, .required, .sql(.default(1))).update()
        try await database.schema("products").field("creation_key", .string).update()
        try await database.schema("variants").field("active", .bool, .required, .sql(.default(true))).update()
        let sql = try database.sql
        try await sql.create(index: "idx_products_creation_key").on("products").column("creation_key").unique()
            .run()
        try await sql.create(index: "idx_products_created").on("products").column("created_at").column("id").run()
        try await database.schema("product_slug_redirects")
            .field("slug", .string, .identifier(auto: false))
            .field("product_id", .uuid, .required, .references("products", "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "idx_product_slug_redirects_product").on("product_slug_redirects")
            .column("product_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("product_slug_redirects").delete()
        let sql = try database.sql
        try await sql.drop(index: "idx_products_created").run()
        try await sql.drop(index: "idx_products_creation_key").run()
        try await database.schema("variants").deleteField("active").update()
        for field in ["creation_key", "version", "seo_description", "seo_title"] {
            try await database.schema("products").deleteField(.string(field)).update()
        }
    }
}
