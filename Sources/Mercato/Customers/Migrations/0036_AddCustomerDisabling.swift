import Fluent
import SQLKit

/// Staff can disable a customer's account: `disabled_at` is when, and the customers list pages
/// newest first on `(created_at, id)`.
struct AddCustomerDisabling: AsyncMigration {
    let name = "0036_add_customer_disabling"

    func prepare(on database: any Database) async throws {
        try await database.schema("customers").field("disabled_at", .datetime).update()
        try await database.sql.create(index: "idx_customers_created").on("customers").column("created_at")
            .column("id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "idx_customers_created").run()
        try await database.schema("customers").deleteField("disabled_at").update()
    }
}
