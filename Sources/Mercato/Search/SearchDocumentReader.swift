import Foundation
import SQLKit

/// Reads what the index needs about products straight from the catalogue tables.
struct SearchDocumentReader {
    let sql: any SQLDatabase

    func documents(for productIDs: [UUID]) async throws -> [SearchDocument] {
        guard !productIDs.isEmpty else { return [] }
        let products = try await sql.raw(
            """
            SELECT p.id, p.title, p.brand, p.description, p.attributes, COALESCE(c.name, '') AS category
            FROM products p LEFT JOIN categories c ON c.id = p.category_id
            WHERE p.id IN (\(binds: productIDs))
            """
        ).all()
        let optionRows = try await sql.raw(
            "SELECT DISTINCT product_id, value FROM variant_options WHERE product_id IN (\(binds: productIDs))"
        ).all()
        var optionValues: [UUID: [String]] = [:]
        for row in optionRows {
            optionValues[try row.decode(column: "product_id", as: UUID.self), default: []]
                .append(try row.decode(column: "value", as: String.self))
        }
        return try products.map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            let attributes = try row.decode(column: "attributes", as: String.self)
            let attributeValues =
                (try? JSONDecoder().decode([String: String].self, from: Data(attributes.utf8)))?.values.sorted() ?? []
            let keywords =
                ([try row.decode(column: "category", as: String.self)] + attributeValues + (optionValues[id] ?? []))
                .joined(separator: " ")
            return SearchDocument(
                productID: id, title: try row.decode(column: "title", as: String.self),
                brand: try row.decode(column: "brand", as: String.self), keywords: keywords,
                description: try row.decode(column: "description", as: String.self))
        }
    }
}
