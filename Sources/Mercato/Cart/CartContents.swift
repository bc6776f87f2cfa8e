import Fluent
import Foundation
import SQLKit

/// A cart's lines as the catalogue prices them right now, with live stock.
struct CartLine: Sendable, Equatable {
    var variantID: UUID
    var sku: String
    var productTitle: String
    var variantTitle: String
    var productSlug: String
    var unitPrice: Int64
    var currency: String
    var weightGrams: Int
    var quantity: Int
    /// On hand minus reserved.
    var available: Int

    var name: String { variantTitle.isEmpty ? productTitle : "\(productTitle) (\(variantTitle))" }
    var pricingLine: OrderPricing.Line { .init(unitPrice: unitPrice, quantity: quantity, weightGrams: weightGrams) }
}

enum CartContents {
    /// The cart's lines, oldest first, priced from the catalogue, with live stock: one statement.
    /// A line whose variant staff switched off, or whose product is no longer on sale, has none
    /// available, so checkout refuses it as it refuses a sold-out one.
    static func lines(of cartID: UUID, on db: any Database) async throws -> [CartLine] {
        let rows = try await db.sql.raw(
            """
            SELECT v.id AS variant_id, v.sku, v.title AS variant_title, v.price_amount, v.currency, v.weight_grams,
                   p.title AS product_title, p.slug, ci.quantity,
                   CASE WHEN v.active AND p.status = 'active'
                       THEN \(InventoryReadModel.freeStock(variant: "v.id")) ELSE 0 END AS available
            FROM cart_items ci
            JOIN variants v ON v.id = ci.variant_id
            JOIN products p ON p.id = v.product_id
            WHERE ci.cart_id = \(bind: cartID)
            ORDER BY ci.added_at, v.sku
            """
        ).all()
        return try rows.map { row in
            CartLine(
                variantID: try row.decode(column: "variant_id", as: UUID.self),
                sku: try row.decode(column: "sku", as: String.self),
                productTitle: try row.decode(column: "product_title", as: String.self),
                variantTitle: try row.decode(column: "variant_title", as: String.self),
                productSlug: try row.decode(column: "slug", as: String.self),
                unitPrice: try row.decode(column: "price_amount", as: Int64.self),
                currency: try row.decode(column: "currency", as: String.self),
                weightGrams: try row.decode(column: "weight_grams", as: Int.self),
                quantity: try row.decode(column: "quantity", as: Int.self),
                available: try row.decode(column: "available", as: Int?.self) ?? 0)
        }
    }

    /// A variant that can be sold: its id, currency and live availability; nil for unknown SKUs
    /// variants switched off and products that aren't active.
    static func sellableVariant(sku: String, on db: any Database) async throws -> (
        id: UUID, currency: String, available: Int
    )? {
        guard
            let row = try await db.sql.raw(
                """
                SELECT v.id, v.currency, \(InventoryReadModel.freeStock(variant: "v.id")) AS available
                FROM variants v JOIN products p ON p.id = v.product_id
                WHERE v.sku = \(bind: sku) AND v.active AND p.status = 'active'
                """
            ).first()
        else { return nil }
        return (
            try row.decode(column: "id", as: UUID.self), try row.decode(column: "currency", as: String.self),
            try row.decode(column: "available", as: Int?.self) ?? 0
        )
    }
}
