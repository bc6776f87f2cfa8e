import Fluent
import Foundation
import SQLKit

/// The inventory ledger: one row per change to a variant's on-hand or reserved stock, and a
/// low-stock threshold per variant. Existing stock gets an opening row, so replaying the ledger
/// matches the levels from the first day.
struct CreateInventoryLedger: AsyncMigration {
    let name = "0035_create_inventory_ledger"

    func prepare(on database: any Database) async throws {
        try await database.schema("inventory_movements")
            .field("id", .int64, .identifier(auto: true))
            .field("variant_id", .uuid, .required, .references("variants", "id", onDelete: .cascade))
            .field("product_id", .uuid, .required)
            .field("delta_on_hand", .int, .required)
            .field("delta_reserved", .int, .required)
            .field("on_hand_after", .int, .required)
            .field("reserved_after", .int, .required)
            .field("reason", .string, .required)
            .field("actor", .string, .required)
            .field("order_id", .uuid)
            .field("note", .string)
            .field("idempotency_key", .string)
            .field("created_at", .datetime, .required)
            .create()
        // A variant's history, newest first; an order's movements (restock limits, support).
        try await database.sql.create(index: "idx_inventory_movements_variant").on("inventory_movements")
            .column("variant_id").column("id").run()
        try await database.sql.create(index: "idx_inventory_movements_order").on("inventory_movements")
            .column("order_id").run()
        // A retried staff correction finds its first row; two racing copies can't both insert.
        try await database.sql.create(index: "idx_inventory_movements_idempotency").unique()
            .on("inventory_movements").column("actor").column("idempotency_key").run()
        try await database.schema("inventory_levels").field("low_stock_threshold", .int).update()
        try await database.sql.raw(
            """
            CREATE INDEX idx_inventory_low_stock ON inventory_levels (low_stock_threshold)
            WHERE low_stock_threshold IS NOT NULL
            """
        ).run()
        try await database.sql.raw(
            """
            INSERT INTO inventory_movements (variant_id, product_id, delta_on_hand, delta_reserved, on_hand_after,
              reserved_after, reason, actor, note, created_at)
            SELECT variant_id, product_id, on_hand, reserved, on_hand, reserved, 'opening', 'migration',
              'the levels when the ledger began', \(bind: Date())
            FROM inventory_levels WHERE on_hand <> 0 OR reserved <> 0
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "idx_inventory_low_stock").run()
        try await database.schema("inventory_levels").deleteField("low_stock_threshold").update()
        try await database.schema("inventory_movements").delete()
    }
}
