import Fluent
import Foundation
import SQLKit

/// Writes the demo catalogue: categories, products, variants, stock, placeholder images and the
/// search index. Idempotent: what already exists (by slug) is left alone.
struct DemoCatalogSeeder {
    struct Outcome: Equatable {
        var created: Int
        var skipped: Int
    }

    let database: any Database
    let search: any SearchEngine
    let storage: any ObjectStorage
    let generator: DemoProductGenerator

    static let batchSize = 250

    init(database: any Database, search: any SearchEngine, storage: any ObjectStorage, seed: UInt64) {
        self.database = database
        self.search = search
        self.storage = storage
        self.generator = DemoProductGenerator(seed: seed)
    }

    func run(products count: Int, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Outcome {
        let categoryIDs = try await seedCategories()
        var outcome = Outcome(created: 0, skipped: 0)
        progress(0, count)
        for start in stride(from: 0, to: count, by: Self.batchSize) {
            let batch = (start..<min(start + Self.batchSize, count)).map(generator.product(number:))
            let existing = try await existingSlugs(batch.map(\.slug))
            let fresh = batch.filter { !existing.contains($0.slug) }
            outcome.skipped += batch.count - fresh.count
            if !fresh.isEmpty {
                for product in fresh {
                    try await storage.put(
                        key: Self.imageKey(product), data: PlaceholderImage.svg(for: product),
                        contentType: "image/svg+xml")
                }
                try await database.transaction { transaction in
                    try await ProductImporter(db: transaction).insert(fresh, categoryIDs: categoryIDs) { product in
                        (Self.imageKey(product), "image/svg+xml", PlaceholderImage.svg(for: product).count)
                    }
                    try await search.index(productIDs: fresh.map(\.id), on: transaction)
                }
                outcome.created += fresh.count
            }
            progress(min(start + Self.batchSize, count), count)
        }
        return outcome
    }

    static func imageKey(_ product: NewProduct) -> String {
        "demo/\(product.slug).svg"
    }

    /// Creates missing categories; returns every demo category's id by slug.
    private func seedCategories() async throws -> [String: UUID] {
        let sql = try database.sql
        let index = try await CategoryIndex.load(from: sql)
        var ids = Dictionary(uniqueKeysWithValues: index.nodes.values.map { ($0.slug, $0.id) })
        var random = SeededRandom(seed: generator.seed)
        for (rootPosition, root) in DemoCatalogData.tree.enumerated() {
            let rootID = try await ensureCategory(
                name: root.name, parentID: nil, position: rootPosition, id: random.uuid(), known: &ids, sql: sql)
            for (position, leaf) in root.children.enumerated() {
                _ = try await ensureCategory(
                    name: leaf.name, parentID: rootID, position: position, id: random.uuid(), known: &ids, sql: sql)
            }
        }
        return ids
    }

    private func ensureCategory(
        name: String, parentID: UUID?, position: Int, id: UUID, known: inout [String: UUID], sql: any SQLDatabase
    ) async throws -> UUID {
        let slug = Slug.make(name)
        if let existing = known[slug] { return existing }
        try await sql.insert(into: "categories")
            .columns("id", "name", "slug", "parent_id", "position", "created_at")
            .values(SQLBind(id), SQLBind(name), SQLBind(slug), SQLBind(parentID), SQLBind(position), SQLBind(Date()))
            .run()
        known[slug] = id
        return id
    }

    private func existingSlugs(_ slugs: [String]) async throws -> Set<String> {
        Set(
            try await database.sql.raw("SELECT slug FROM products WHERE slug IN (\(binds: slugs))").all()
                .map { try $0.decode(column: "slug", as: String.self) })
    }
}
