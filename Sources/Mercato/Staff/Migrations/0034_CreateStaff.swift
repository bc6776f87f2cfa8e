import Fluent
import SQLKit

/// Staff accounts, custom roles, sessions, emailed single-use links, API keys and TOTP recovery
/// codes. Every secret (session token, link token, API key, recovery code) is stored only as its
/// SHA-256 hash.
struct CreateStaff: AsyncMigration {
    let name = "0034_create_staff"

    func prepare(on database: any Database) async throws {
        try await database.schema("staff_members")
            .id()
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("password_hash", .string)
            .field("role", .string, .required)
            .field("active", .bool, .required)
            .field("totp_secret", .string)
            .field("totp_confirmed_at", .datetime)
            .field("totp_last_step", .int64)
            .field("last_sign_in_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "email")
            .create()
        try await database.schema("staff_roles")
            .id()
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("permissions", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "name")
            .create()
        try await database.schema("staff_sessions")
            .field("token_hash", .string, .identifier(auto: false))
            .field("staff_id", .uuid, .required, .references("staff_members", "id", onDelete: .cascade))
            .field("address", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("idle_expires_at", .datetime, .required)
            .create()
        try await database.schema("staff_access_tokens")
            .field("token_hash", .string, .identifier(auto: false))
            .field("staff_id", .uuid, .required, .references("staff_members", "id", onDelete: .cascade))
            .field("purpose", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("staff_api_keys")
            .id()
            .field("name", .string, .required)
            .field("key_hash", .string, .required)
            .field("prefix", .string, .required)
            .field("permissions", .string, .required)
            .field("created_by", .uuid, .references("staff_members", "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "key_hash")
            .create()
        try await database.schema("staff_recovery_codes")
            .id()
            .field("staff_id", .uuid, .required, .references("staff_members", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("used_at", .datetime)
            .create()
        let sql = try database.sql
        try await sql.create(index: "idx_staff_sessions_staff").on("staff_sessions").column("staff_id").run()
        try await sql.create(index: "idx_staff_sessions_expires").on("staff_sessions").column("expires_at").run()
        try await sql.create(index: "idx_staff_access_tokens_staff").on("staff_access_tokens").column("staff_id").run()
        try await sql.create(index: "idx_staff_recovery_codes_staff").on("staff_recovery_codes").column("staff_id")
            .run()
    }

    func revert(on database: any Database) async throws {
        for table in [
            "staff_recovery_codes", "staff_api_keys", "staff_access_tokens", "staff_sessions", "staff_roles",
            "staff_members",
        ] {
            try await database.schema(table).delete()
        }
    }
}
