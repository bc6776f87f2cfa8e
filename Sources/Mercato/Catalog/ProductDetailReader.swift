import Foundation
import SQLKit

/// What a product page shows besides the product row, in one statement: its variants with their
/// free stock, their options and its images. With the product row that makes a product detail two
/// round trips, whatever the catalogue's size (each branch looks rows up by `product_id`).
/// Variants staff switched off are left out, with their options.
struct ProductDetailReader {
    let sql: any SQLDatabase

    /// The product row a page shows: only its columns, decoded without the model's reflection.
    struct ProductRow {
        var id: UUID
        var slug: String
        var title: String
        var description: String
        var brand: String
        var attributesJSON: String
        var categoryID: UUID?
        var priceMin: Money
        var priceMax: Money

        var attributes: [String: String] {
            (try? JSONDecoder().decode([String: String].self, from: Data(attributesJSON.utf8))) ?? [:]
        }
    }

    /// The active product with this slug; nil for unknown, draft and archived ones.
    func activeProduct(slug: String) async throws -> ProductRow? {
        guard
            let row = try await sql.raw(
                """
                SELECT id, slug, title, description, brand, attributes, category_id, currency, price_min, price_max
                FROM products WHERE slug = \(bind: slug) AND status = \(bind: Product.Status.active.rawValue)
                """
            ).first()
        else { return nil }
        let currency = try row.decode(column: "currency", as: String.self)
        return ProductRow(
            id: try row.decode(column: "id", as: UUID.self), slug: try row.decode(column: "slug", as: String.self),
            title: try row.decode(column: "title", as: String.self),
            description: try row.decode(column: "description", as: String.self),
            brand: try row.decode(column: "brand", as: String.self),
            attributesJSON: try row.decode(column: "attributes", as: String.self),
            categoryID: try row.decode(column: "category_id", as: UUID?.self),
            priceMin: Money(amount: try row.decode(column: "price_min", as: Int64.self), currency: currency),
            priceMax: Money(amount: try row.decode(column: "price_max", as: Int64.self), currency: currency))
    }

    struct VariantRow {
        var id: UUID
        var sku: String
        var title: String
        var price: Money
        var compareAtAmount: Int64?
        var weightGrams: Int
        var position: Int
        /// Free stock (on hand minus reserved); 0 without a stock row.
        var available: Int
    }

    struct ImageRow {
        var storageKey: String
        var alt: String
        var position: Int
    }

    struct Parts {
        /// In position order.
        var variants: [VariantRow] = []
        var options: [UUID: [String: String]] = [:]
        /// In position order; empty unless asked for.
        var images: [ImageRow] = []
    }

    func parts(of productID: UUID, withImages: Bool) async throws -> Parts {
        var statement: SQLQueryString = """
            SELECT 'variant' AS kind, v.id AS id, v.sku AS a, v.title AS b, v.currency AS c, v.price_amount AS amount,
                v.compare_at_amount AS compare_at, v.weight_grams AS weight, v.position AS position,
                \(InventoryReadModel.freeStock(variant: "v.id")) AS available
            FROM variants v WHERE v.product_id = \(bind: productID) AND v.active
            UNION ALL SELECT 'option', o.variant_id, o.name, o.value, NULL, NULL, NULL, NULL, NULL, NULL
            FROM variant_options o JOIN variants ov ON ov.id = o.variant_id
            WHERE o.product_id = \(bind: productID) AND ov.active
            """
        if withImages {
            statement += """
                 UNION ALL SELECT 'image', im.id, im.storage_key, im.alt, NULL, NULL, NULL, NULL, im.position, NULL
                FROM product_images im WHERE im.product_id = \(bind: productID)
                """
        }
        var parts = Parts()
        for row in try await sql.raw(statement).all() {
            let id = try row.decode(column: "id", as: UUID.self)
            let a = try row.decode(column: "a", as: String.self)
            let b = try row.decode(column: "b", as: String.self)
            switch try row.decode(column: "kind", as: String.self) {
            case "variant":
                parts.variants.append(
                    VariantRow(
                        id: id, sku: a, title: b,
                        price: Money(
                            amount: try row.decode(column: "amount", as: Int64.self),
                            currency: try row.decode(column: "c", as: String.self)),
                        compareAtAmount: try row.decode(column: "compare_at", as: Int64?.self),
                        weightGrams: try row.decode(column: "weight", as: Int.self),
                        position: try row.decode(column: "position", as: Int.self),
                        available: max(0, try row.decode(column: "available", as: Int?.self) ?? 0)))
            case "option": parts.options[id, default: [:]][a] = b
            default:
                parts.images.append(
                    ImageRow(storageKey: a, alt: b, position: try row.decode(column: "position", as: Int.self)))
            }
        }
        parts.variants.sort { $0.position < $1.position }
        parts.images.sort { $0.position < $1.position }
        return parts
    }
}
