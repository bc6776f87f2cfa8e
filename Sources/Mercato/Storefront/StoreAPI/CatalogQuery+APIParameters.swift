extension CatalogQuery {
    /// The Store API query parameters that `init(parameters:)` reads back into an equal query: what
    /// the HTTP client sends, so both sides of the wire agree on one parser.
    var apiParameters: [String: String] {
        var parameters: [String: String] = [:]
        if let text { parameters["q"] = text }
        if let categorySlug { parameters["category"] = categorySlug }
        if !brands.isEmpty { parameters["brand"] = brands.joined(separator: ",") }
        if let minPrice { parameters["minPrice"] = String(minPrice) }
        if let maxPrice { parameters["maxPrice"] = String(maxPrice) }
        if !options.isEmpty {
            parameters["options"] = options.sorted { $0.key < $1.key }
                .flatMap { name, values in values.map { "\(name):\($0)" } }
                .joined(separator: ",")
        }
        if inStockOnly { parameters["inStock"] = "true" }
        if featuredOnly { parameters["featured"] = "true" }
        if includeFacets { parameters["facets"] = "true" }
        if sort != .relevance { parameters["sort"] = sort.rawValue }
        if page != 1 { parameters["page"] = String(page) }
        if pageSize != Self.defaultPageSize { parameters["pageSize"] = String(pageSize) }
        return parameters
    }
}
