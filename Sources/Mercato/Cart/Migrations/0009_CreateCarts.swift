import Fluent
import SQLKit

/// Carts live in the database so any instance can serve any request. A guest cart is reached by
/// its id plus a secret token (stored hashed); a customer's cart also by the customer's session.
struct CreateCarts: AsyncMigration {
    let name = "0009_create_carts"

    func prepare(on database: any Database) async throws {
        try await database.schema("carts")
            .id()
            .field("token_hash", .string, .required)
            .field("customer_id", .uuid, .references("customers", "id", onDelete: .setNull))
            .field("status", .string, .required)
            .field("currency", .string, .required)
            .field("coupon_code", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("cart_items")
            .field("cart_id", .uuid, .required, .references("carts", "id", onDelete: .cascade))
            .field("variant_id", .uuid, .required, .references("variants", "id", onDelete: .cascade))
            .field("quantity", .int, .required)
            .field("added_at", .datetime, .required)
            .compositeIdentifier(over: "cart_id", "variant_id")
            .create()
        try await database.sql.create(index: "idx_carts_customer").on("carts").column("customer_id").column("status")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("cart_items").delete()
        try await database.schema("carts").delete()
    }
}
