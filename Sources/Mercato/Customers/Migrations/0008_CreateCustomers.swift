import Fluent
import SQLKit

/// Customer accounts, their saved addresses, sessions (web cookies and API bearer tokens) and
/// password-reset tokens. Tokens are stored only as SHA-256 hashes, so a database leak hands out
/// no live session.
struct CreateCustomers: AsyncMigration {
    let name = "0008_create_customers"

    func prepare(on database: any Database) async throws {
        try await database.schema("customers")
            .id()
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("name", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "email")
            .create()
        try await database.schema("customer_addresses")
            .id()
            .field("customer_id", .uuid, .required, .references("customers", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("line1", .string, .required)
            .field("line2", .string)
            .field("city", .string, .required)
            .field("postal_code", .string, .required)
            .field("region", .string)
            .field("country", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("sessions")
            .field("token_hash", .string, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("customer_id", .uuid, .references("customers", "id", onDelete: .cascade))
            .field("cart_id", .uuid)
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        try await database.schema("password_reset_tokens")
            .field("token_hash", .string, .identifier(auto: false))
            .field("customer_id", .uuid, .required, .references("customers", "id", onDelete: .cascade))
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        let sql = try database.sql
        try await sql.create(index: "idx_customer_addresses_customer").on("customer_addresses").column("customer_id")
            .run()
        try await sql.create(index: "idx_sessions_customer").on("sessions").column("customer_id").run()
        try await sql.create(index: "idx_sessions_expires").on("sessions").column("expires_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("password_reset_tokens").delete()
        try await database.schema("sessions").delete()
        try await database.schema("customer_addresses").delete()
        try await database.schema("customers").delete()
    }
}
