import FluentKit
import Foundation
import SQLKit

/// A product to add to the catalogue with its variants and stock: what the demo seeder generates
/// and what an import writes.
struct NewProduct {
    struct Variant {
        var id: UUID
        var sku: String
        var title: String
        var options: [(name: String, value: String)]
        var price: Int64
        var compareAt: Int64?
        var weightGrams: Int
        var onHand: Int
        /// Switched off variants are kept but not sold, and their stock isn't the product's.
        var active = true
    }

    var id: UUID
    var title: String
    var slug: String
    var description: String
    var brand: String
    var attributesJSON: String
    var categorySlug: String
    var featured: Bool
    var createdAt: Date
    var variants: [Variant]
    var imageColour: String

    var priceMin: Int64 { variants.map(\.price).min() ?? 0 }
    var priceMax: Int64 { variants.map(\.price).max() ?? 0 }
}

/// Writes new products straight into the catalogue tables.
struct ProductImporter {
    let db: any Database
    /// Named in each new variant's opening ledger row.
    var actor = "seed"

    /// Inserts products with variants, option values, stock and one image each (when `imageKey`
    /// names one), in a few multi-row statements. Callers index them for search afterwards.
    func insert(
        _ products: [NewProduct], categoryIDs: [String: UUID],
        image: (NewProduct) -> (key: String, contentType: String, byteSize: Int)? = { _ in nil }
    ) async throws {
        let sql = try db.sql
        let now = Date()
        let productRows = products.map { product -> [any SQLExpression] in
            [
                SQLBind(product.id), SQLBind(product.title), SQLBind(product.slug), SQLBind(product.description),
                SQLBind(Product.Status.active.rawValue), SQLBind(product.brand), SQLBind(product.attributesJSON),
                SQLBind(categoryIDs[product.categorySlug]), SQLBind(product.featured),
                SQLBind(DemoProductGenerator.currency), SQLBind(product.priceMin), SQLBind(product.priceMax),
                SQLBind(product.createdAt), SQLBind(product.createdAt),
            ]
        }
        try await sql.insert(into: "products")
            .columns(
                "id", "title", "slug", "description", "status", "brand", "attributes", "category_id", "featured",
                "currency", "price_min", "price_max", "created_at", "updated_at"
            )
            .rows(productRows).run()

        try await insertVariants(
            products.flatMap { product in
                product.variants.enumerated().map { (product.id, $0.offset, $0.element) }
            }, currency: DemoProductGenerator.currency, now: now)
        let images = products.compactMap { product in image(product).map { (product, $0) } }
        guard !images.isEmpty else { return }
        try await sql.insert(into: "product_images")
            .columns("id", "product_id", "storage_key", "content_type", "alt", "position", "byte_size", "created_at")
            .rows(
                images.map { product, image in
                    [
                        SQLBind(UUID()), SQLBind(product.id), SQLBind(image.key), SQLBind(image.contentType),
                        SQLBind(product.title), SQLBind(0), SQLBind(image.byteSize), SQLBind(now),
                    ]
                }
            ).run()
    }
}

extension ProductImporter {
    /// Inserts variants of products already written, with their option values and opening stock
    /// (each with its `opening` ledger row), 500 per statement.
    func insertVariants(
        _ variants: [(productID: UUID, position: Int, variant: NewProduct.Variant)], currency: String, now: Date
    ) async throws {
        let sql = try db.sql
        let inventory = InventoryService(db: db)
        for chunk in variants.chunked(into: 500) {
            try await sql.insert(into: "variants")
                .columns(
                    "id", "product_id", "sku", "title", "price_amount", "currency", "compare_at_amount", "weight_grams",
                    "position", "active"
                )
                .rows(
                    chunk.map { productID, position, variant in
                        [
                            SQLBind(variant.id), SQLBind(productID), SQLBind(variant.sku), SQLBind(variant.title),
                            SQLBind(variant.price), SQLBind(currency), SQLBind(variant.compareAt),
                            SQLBind(variant.weightGrams), SQLBind(position), SQLBind(variant.active),
                        ]
                    }
                ).run()
            try await inventory.createLevels(
                chunk.map { productID, _, variant in (variant.id, productID, variant.onHand) }, actor: actor, now: now)
            try await inventory.setSellable(chunk.filter { !$0.variant.active }.map(\.variant.id), false)
            let options = chunk.flatMap { productID, _, variant in
                variant.options.map { [SQLBind(variant.id), SQLBind(productID), SQLBind($0.name), SQLBind($0.value)] }
            }
            guard !options.isEmpty else { continue }
            try await sql.insert(into: "variant_options").columns("variant_id", "product_id", "name", "value")
                .rows(options).run()
        }
    }
}

extension SQLInsertBuilder {
    /// Several rows in one statement.
    func rows(_ rows: [[any SQLExpression]]) -> Self {
        for row in rows { _ = values(row) }
        return self
    }
}
