import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import Mercato

/// Small hand-made catalogues for tests: exactly the products a test reasons about.
enum CatalogFixtures {
    static func product(
        _ title: String, description: String = "A fine product.", brand: String = "Acme", category: String = "shoes",
        price: Int64 = 5_000, stock: Int = 10, options: [(String, String)] = [("size", "42")],
        createdAt: Date = Date(timeIntervalSince1970: 1_770_000_000)
    ) -> NewProduct {
        let slug = Slug.make(title)
        return NewProduct(
            id: UUID(), title: title, slug: slug, description: description, brand: brand, attributesJSON: "{}",
            categorySlug: category, featured: false, createdAt: createdAt,
            variants: [
                NewProduct.Variant(
                    id: UUID(), sku: "SKU-\(slug)", title: options.map(\.1).joined(separator: " / "),
                    options: options.map { (name: $0.0, value: $0.1) }, price: price, compareAt: nil, weightGrams: 500,
                    onHand: stock)
            ], imageColour: "#000000")
    }

    /// Categories `clothing > t-shirts`, `shoes > sneakers`, `shoes > boots` (unless `categories` is
    /// false: they exist already), then the products, indexed.
    static func insert(_ products: [NewProduct], into app: Application, categories: Bool = true) async throws {
        let sql = try app.db.sql
        var ids: [String: UUID] = [:]
        for node in try await CategoryIndex.load(from: sql).nodes.values { ids[node.slug] = node.id }
        for (name, parent) in !categories
            ? []
            : [
                ("Clothing", nil), ("T-Shirts", "clothing"), ("Shoes", nil), ("Sneakers", "shoes"), ("Boots", "shoes"),
            ]
        {
            let id = UUID()
            ids[Slug.make(name)] = id
            try await sql.insert(into: "categories").columns(
                "id", "name", "slug", "parent_id", "position", "created_at"
            )
            .values(
                SQLBind(id), SQLBind(name), SQLBind(Slug.make(name)), SQLBind(parent.flatMap { ids[$0] }), SQLBind(0),
                SQLBind(Date())
            )
            .run()
        }
        try await ProductImporter(db: app.db).insert(products, categoryIDs: ids)
        try await app.searchEngine.index(productIDs: products.map(\.id), on: app.db)
    }

    /// Runs `body` against a migrated app on SQLite or on the test PostgreSQL database (emptied first).
    static func withCatalog(
        on backend: DatabaseBackend, suite: String = #fileID, _ products: [NewProduct],
        _ body: (Application) async throws -> Void
    ) async throws {
        let settings = try await backend.settings(suite: suite)
        try await TestSupport.withApp(settings, migrate: false) { app in
            try await app.autoRevert()
            try await app.autoMigrate()
            try await TestSupport.grantOwnerKey(on: app.db)
            try await insert(products, into: app)
            try await body(app)
        }
    }
}

/// The databases a suite runs against: SQLite always, PostgreSQL when a server is given or required.
enum DatabaseBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static var available: [DatabaseBackend] { TestServices.postgresEnabled ? [.sqlite, .postgres] : [.sqlite] }

    var testDescription: String { rawValue }

    /// - Parameter suite: names the suite's own PostgreSQL database (any text; letters are kept).
    func settings(suite: String) async throws -> Settings {
        switch self {
        case .sqlite: try TestSupport.settings()
        case .postgres:
            try await TestServices.postgresTestingSettings(
                suite: Slug.make(suite).replacingOccurrences(of: "-", with: "_"))
        }
    }
}
