import Fluent
import SQLKit

/// Stock per variant: on hand and reserved. Checkout reserves atomically against these rows.
struct CreateInventoryLevels: AsyncMigration {
    let name = "0006_create_inventory_levels"

    func prepare(on database: any Database) async throws {
        try await database.schema("inventory_levels")
            .field("variant_id", .uuid, .identifier(auto: false), .references("variants", "id", onDelete: .cascade))
            .field("product_id", .uuid, .required, .references("products", "id", onDelete: .cascade))
            .field("on_hand", .int, .required)
            .field("reserved", .int, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "idx_inventory_product").on("inventory_levels").column("product_id")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("inventory_levels").delete()
    }
}
