import Fluent
import SQLKit

/// The built-in test provider's payments (kept in the database like a real provider would keep
/// them, so any instance can confirm or settle one) and the webhook event ids already handled.
struct CreatePayments: AsyncMigration {
    let name = "0013_create_payments"

    func prepare(on database: any Database) async throws {
        try await database.schema("test_payments")
            .field("id", .string, .identifier(auto: false))
            .field("idempotency_key", .string, .required)
            .field("order_id", .uuid, .required)
            .field("amount", .int64, .required)
            .field("currency", .string, .required)
            .field("status", .string, .required)
            .field("card_last4", .string)
            .field("failure_message", .string)
            .field("amount_refunded", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "idempotency_key")
            .create()
        try await database.schema("test_refunds")
            .field("id", .string, .identifier(auto: false))
            .field("idempotency_key", .string, .required)
            .field("payment_id", .string, .required)
            .field("amount", .int64, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "idempotency_key")
            .create()
        try await database.schema("webhook_events")
            .field("id", .string, .identifier(auto: false))
            .field("provider", .string, .required)
            .field("kind", .string, .required)
            .field("received_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("webhook_events").delete()
        try await database.schema("test_refunds").delete()
        try await database.schema("test_payments").delete()
    }
}
