import Fluent
import FluentSQL
import SQLKit

/// Whether a variant was ever ordered decides whether staff may delete its product; the index
/// answers that without reading every order line.
struct AddOrderLineVariantIndex: AsyncMigration {
    let name = "0039_add_order_line_variant_index"

    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: "idx_order_lines_variant").on("order_lines").column("variant_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "idx_order_lines_variant").run()
    }
}
