import Foundation
import SQLKit

/// Counts, for the whole filtered result, products per category, brand, price band and option value.
struct FacetCounter {
    let filter: ProductFilter
    let sql: any SQLDatabase

    /// Band edges in minor units; the last band is open-ended.
    static let priceEdges: [Int64] = [0, 2_500, 5_000, 10_000, 25_000, 50_000]

    func facets() async throws -> CatalogDTO.Facets {
        CatalogDTO.Facets(
            categories: try await categories(), brands: try await brands(), priceBands: try await priceBands(),
            options: try await options())
    }

    private func categories() async throws -> [CatalogDTO.FacetValue] {
        try await sql.raw(
            """
            SELECT c.slug AS value, c.name AS label, COUNT(*) AS n FROM categories c
            JOIN (SELECT p.category_id \(filter.fromWhere)) matched ON matched.category_id = c.id
            GROUP BY c.slug, c.name ORDER BY n DESC, c.name LIMIT 30
            """
        ).all().map { row in
            CatalogDTO.FacetValue(
                value: try row.decode(column: "value", as: String.self),
                label: try row.decode(column: "label", as: String.self),
                count: try row.decode(column: "n", as: Int.self))
        }
    }

    private func brands() async throws -> [CatalogDTO.FacetValue] {
        try await sql.raw(
            "SELECT p.brand AS value, COUNT(*) AS n \(filter.fromWhere) GROUP BY p.brand ORDER BY n DESC, p.brand LIMIT 30"
        )
        .all().map { row in
            let brand = try row.decode(column: "value", as: String.self)
            return CatalogDTO.FacetValue(value: brand, label: brand, count: try row.decode(column: "n", as: Int.self))
        }
    }

    private func priceBands() async throws -> [CatalogDTO.PriceBand] {
        let edges = Self.priceEdges
        var cases: SQLQueryString = "CASE"
        for index in stride(from: edges.count - 1, through: 0, by: -1) {
            cases += " WHEN p.price_min >= \(literal: edges[index]) THEN \(literal: index)"
        }
        cases += " END"
        let rows = try await sql.raw("SELECT \(cases) AS band, COUNT(*) AS n \(filter.fromWhere) GROUP BY band").all()
        let counts = try Dictionary(
            uniqueKeysWithValues: rows.map {
                (try $0.decode(column: "band", as: Int.self), try $0.decode(column: "n", as: Int.self))
            })
        return edges.indices.compactMap { index in
            guard let count = counts[index], count > 0 else { return nil }
            return CatalogDTO.PriceBand(
                min: edges[index], max: index + 1 < edges.count ? edges[index + 1] : nil, count: count)
        }
    }

    private func options() async throws -> [CatalogDTO.OptionFacet] {
        let rows = try await sql.raw(
            """
            SELECT o.name AS name, o.value AS value, COUNT(DISTINCT o.product_id) AS n FROM variant_options o
            WHERE o.product_id IN (SELECT p.id \(filter.fromWhere))
            GROUP BY o.name, o.value ORDER BY o.name, n DESC, o.value
            """
        ).all()
        var facets: [CatalogDTO.OptionFacet] = []
        for row in rows {
            let name = try row.decode(column: "name", as: String.self)
            let value = try row.decode(column: "value", as: String.self)
            let facetValue = CatalogDTO.FacetValue(
                value: value, label: value, count: try row.decode(column: "n", as: Int.self))
            if facets.last?.name == name {
                facets[facets.count - 1].values.append(facetValue)
            } else {
                facets.append(CatalogDTO.OptionFacet(name: name, values: [facetValue]))
            }
        }
        return facets
    }
}
