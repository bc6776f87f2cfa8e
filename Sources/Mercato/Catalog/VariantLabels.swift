import Fluent
import Foundation
import SQLKit

/// How staff recognise a variant in stock lists: its SKU and titles. Other domains (stock, bulk
/// work) ask the catalogue for these instead of reading its tables.
struct VariantLabel: Sendable, Equatable {
    var sku: String
    var title: String
    var productID: UUID
    var productTitle: String
}

extension VariantLabel {
    /// The labels of the variants asked for; unknown ids are absent.
    static func read(_ variantIDs: [UUID], on db: any Database) async throws -> [UUID: VariantLabel] {
        var labels: [UUID: VariantLabel] = [:]
        for chunk in Array(Set(variantIDs)).chunked(into: 500) where !chunk.isEmpty {
            let rows = try await db.sql.raw(
                """
                SELECT v.id, v.sku, v.title, v.product_id, p.title AS product_title
                FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id IN (\(binds: chunk))
                """
            ).all()
            for row in rows {
                labels[try row.decode(column: "id", as: UUID.self)] = VariantLabel(
                    sku: try row.decode(column: "sku", as: String.self),
                    title: try row.decode(column: "title", as: String.self),
                    productID: try row.decode(column: "product_id", as: UUID.self),
                    productTitle: try row.decode(column: "product_title", as: String.self))
            }
        }
        return labels
    }
}
