import Fluent
import SQLKit

/// Orders with their lines (prices frozen at checkout) and every status transition with its
/// time and actor.
struct CreateOrders: AsyncMigration {
    let name = "0012_create_orders"

    func prepare(on database: any Database) async throws {
        try await database.schema("orders")
            .id()
            .field("number", .string, .required)
            .field("token_hash", .string, .required)
            .field("customer_id", .uuid, .references("customers", "id", onDelete: .setNull))
            .field("email", .string, .required)
            .field("status", .string, .required)
            .field("currency", .string, .required)
            .field("subtotal", .int64, .required)
            .field("discount", .int64, .required)
            .field("shipping", .int64, .required)
            .field("tax", .int64, .required)
            .field("total", .int64, .required)
            .field("prices_include_tax", .bool, .required)
            .field("coupon_code", .string)
            .field("shipping_method", .string, .required)
            .field("shipping_address", .string, .required)
            .field("payment_provider", .string, .required)
            .field("payment_id", .string)
            .field("amount_refunded", .int64, .required)
            .field("reservation_expires_at", .datetime, .required)
            .field("paid_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "number")
            .create()
        try await database.schema("order_lines")
            .id()
            .field("order_id", .uuid, .required, .references("orders", "id", onDelete: .cascade))
            .field("variant_id", .uuid, .required)
            .field("sku", .string, .required)
            .field("name", .string, .required)
            .field("quantity", .int, .required)
            .field("unit_price", .int64, .required)
            .field("line_total", .int64, .required)
            .field("position", .int, .required)
            .create()
        try await database.schema("order_transitions")
            .id()
            .field("order_id", .uuid, .required, .references("orders", "id", onDelete: .cascade))
            .field("from_status", .string)
            .field("to_status", .string, .required)
            .field("actor", .string, .required)
            .field("note", .string)
            .field("created_at", .datetime, .required)
            .create()
        let sql = try database.sql
        try await sql.create(index: "idx_orders_customer").on("orders").column("customer_id").run()
        try await sql.create(index: "idx_orders_payment").on("orders").column("payment_id").run()
        try await sql.create(index: "idx_order_lines_order").on("order_lines").column("order_id").run()
        try await sql.create(index: "idx_order_transitions_order").on("order_transitions").column("order_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("order_transitions").delete()
        try await database.schema("order_lines").delete()
        try await database.schema("orders").delete()
    }
}
