import Fluent
import SQLKit

/// Product images: the bytes live in object storage; this table holds where and what they are.
struct CreateProductImages: AsyncMigration {
    let name = "0005_create_product_images"

    func prepare(on database: any Database) async throws {
        try await database.schema("product_images")
            .id()
            .field("product_id", .uuid, .required, .references("products", "id", onDelete: .cascade))
            .field("storage_key", .string, .required)
            .field("content_type", .string, .required)
            .field("alt", .string, .required)
            .field("position", .int, .required)
            .field("byte_size", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "idx_product_images_product").on("product_images")
            .column("product_id").column("position").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("product_images").delete()
    }
}
