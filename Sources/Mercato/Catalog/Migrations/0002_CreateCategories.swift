import Fluent
import SQLKit

/// The category tree: each category points at its parent; roots have none.
struct CreateCategories: AsyncMigration {
    let name = "0002_create_categories"

    func prepare(on database: any Database) async throws {
        try await database.schema("categories")
            .id()
            .field("name", .string, .required)
            .field("slug", .string, .required)
            .field("parent_id", .uuid, .references("categories", "id", onDelete: .restrict))
            .field("position", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "slug")
            .create()
        try await database.sql.create(index: "idx_categories_parent").on("categories").column("parent_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("categories").delete()
    }
}
