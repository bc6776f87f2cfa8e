import Fluent
import FluentSQL
import SQLKit

/// Stock of a variant staff switched off doesn't make its product "in stock": the catalogue tells
/// the inventory which variants are sellable, and the product-level stock reads count only those.
struct AddSellableStock: AsyncMigration {
    let name = "0038_add_sellable_stock"

    func prepare(on database: any Database) async throws {
        try await database.schema("inventory_levels").field("sellable", .bool, .required, .sql(.default(true)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("inventory_levels").deleteField("sellable").update()
    }
}
