import Foundation
import SQLKit

/// A listing page with its facets in one statement: the match (text and filters) is computed once
/// into a materialised set, and the total, the page and the counts per category, brand, price
/// band and option value all read that set. A search pays for its text match once, not six times,
/// and the page costs one round trip.
struct FacetCounter {
    let filter: ProductFilter
    let sql: any SQLDatabase

    /// Band edges in minor units; the last band is open-ended.
    static let priceEdges: [Int64] = [0, 2_500, 5_000, 10_000, 25_000, 50_000]
    /// How many categories and brands a facet lists, the most frequent first.
    static let facetLimit = 30

    /// The ids of the page in order, the total and the facets of the whole result.
    func page(sort: CatalogQuery.Sort, limit: Int, offset: Int) async throws -> (
        ids: [UUID], total: Int, facets: CatalogDTO.Facets
    ) {
        let rows = try await sql.raw(statement(sort: sort, limit: limit, offset: offset)).all()
        var total = 0
        var page: [(position: Int, id: UUID)] = []
        var categories: [CatalogDTO.FacetValue] = []
        var brands: [CatalogDTO.FacetValue] = []
        var bands: [Int: Int] = [:]
        var options: [(name: String, value: CatalogDTO.FacetValue)] = []
        for row in rows {
            let count = try row.decode(column: "n", as: Int.self)
            let value = { CatalogDTO.FacetValue(value: $0, label: $1, count: count) }
            switch try row.decode(column: "kind", as: String.self) {
            case "total": total = count
            case "page":
                page.append((try row.decode(column: "k", as: Int.self), try row.decode(column: "id", as: UUID.self)))
            case "category":
                categories.append(
                    value(
                        try row.decode(column: "value", as: String.self),
                        try row.decode(column: "label", as: String.self)))
            case "brand":
                let brand = try row.decode(column: "value", as: String.self)
                brands.append(value(brand, brand))
            case "band": bands[try row.decode(column: "k", as: Int.self)] = count
            default:
                let option = try row.decode(column: "value", as: String.self)
                options.append((try row.decode(column: "label", as: String.self), value(option, option)))
            }
        }
        // Branches of a UNION come back in no promised order; each carries what sorts it.
        let facets = CatalogDTO.Facets(
            categories: Self.mostFrequent(categories), brands: Self.mostFrequent(brands),
            priceBands: Self.priceBands(bands), options: Self.optionFacets(options))
        return (page.sorted { $0.position < $1.position }.map(\.id), total, facets)
    }

    private func statement(sort: CatalogQuery.Sort, limit: Int, offset: Int) -> SQLQueryString {
        let order = filter.order(sort, rank: "p.rank")
        let edges = Self.priceEdges
        var band: SQLQueryString = "CASE"
        for index in stride(from: edges.count - 1, through: 0, by: -1) {
            band += " WHEN p.price_min >= \(literal: edges[index]) THEN \(literal: index)"
        }
        band += " END"
        let rank: SQLQueryString = filter.hasText ? "s.rank" : "0"
        let limitFacets: SQLQueryString = "LIMIT \(literal: Self.facetLimit)"
        // PostgreSQL types a bare NULL in a subquery as text, which no uuid column matches; SQLite
        // takes the cast as a no-op.
        return """
            WITH m AS MATERIALIZED (
                SELECT p.id, p.category_id, p.brand, p.price_min, p.created_at, p.title, \(rank) AS rank \(filter.fromWhere)
            )
            SELECT 'total' AS kind, CAST(NULL AS uuid) AS id, NULL AS value, NULL AS label, COUNT(*) AS n, 0 AS k FROM m
            UNION ALL SELECT * FROM (
                SELECT 'page' AS kind, p.id AS id, NULL AS value, NULL AS label, 0 AS n,
                    ROW_NUMBER() OVER (ORDER BY \(order)) AS k
                FROM m p ORDER BY \(order) LIMIT \(literal: limit) OFFSET \(literal: offset)
            ) page
            UNION ALL SELECT * FROM (
                SELECT 'category' AS kind, CAST(NULL AS uuid) AS id, c.slug AS value, c.name AS label, COUNT(*) AS n, 0 AS k
                FROM categories c JOIN m p ON p.category_id = c.id
                GROUP BY c.slug, c.name ORDER BY COUNT(*) DESC, c.name \(limitFacets)
            ) categories
            UNION ALL SELECT * FROM (
                SELECT 'brand' AS kind, CAST(NULL AS uuid) AS id, p.brand AS value, p.brand AS label, COUNT(*) AS n, 0 AS k
                FROM m p GROUP BY p.brand ORDER BY COUNT(*) DESC, p.brand \(limitFacets)
            ) brands
            UNION ALL SELECT 'band' AS kind, CAST(NULL AS uuid) AS id, NULL AS value, NULL AS label, COUNT(*) AS n, b.band AS k
            FROM (SELECT \(band) AS band FROM m p) b GROUP BY b.band
            UNION ALL SELECT 'option' AS kind, CAST(NULL AS uuid) AS id, o.value AS value, o.name AS label,
                COUNT(DISTINCT o.product_id) AS n, 0 AS k
            FROM variant_options o WHERE o.product_id IN (SELECT m.id FROM m) GROUP BY o.name, o.value
            """
    }

    /// The `facetLimit` most frequent values, ties by label.
    static func mostFrequent(_ values: [CatalogDTO.FacetValue]) -> [CatalogDTO.FacetValue] {
        Array(values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.label < $1.label }.prefix(facetLimit))
    }

    /// Counts per band index as the bands a facet shows, empty bands left out.
    static func priceBands(_ counts: [Int: Int]) -> [CatalogDTO.PriceBand] {
        let edges = priceEdges
        return edges.indices.compactMap { index in
            guard let count = counts[index], count > 0 else { return nil }
            return CatalogDTO.PriceBand(
                min: edges[index], max: index + 1 < edges.count ? edges[index + 1] : nil, count: count)
        }
    }

    /// Option names in alphabetical order, each with its values the most frequent first.
    static func optionFacets(_ values: [(name: String, value: CatalogDTO.FacetValue)]) -> [CatalogDTO
        .OptionFacet]
    {
        let sorted = values.sorted {
            if $0.name != $1.name { return $0.name < $1.name }
            if $0.value.count != $1.value.count { return $0.value.count > $1.value.count }
            return $0.value.value < $1.value.value
        }
        var facets: [CatalogDTO.OptionFacet] = []
        for (name, value) in sorted {
            if facets.last?.name == name {
                facets[facets.count - 1].values.append(value)
            } else {
                facets.append(CatalogDTO.OptionFacet(name: name, values: [value]))
            }
        }
        return facets
    }
}
