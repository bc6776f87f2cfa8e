import Foundation
import Vapor

/// A validated listing or search request: text, filters, sort and page.
struct CatalogQuery: Hashable, Sendable {
    enum Sort: String, CaseIterable, Sendable {
        case relevance
        case priceAscending = "price_asc"
        case priceDescending = "price_desc"
        case newest
        case title
    }

    static let defaultPageSize = 24
    static let maximumPageSize = 100
    /// In Unicode scalars (what JSON Schema's `maxLength` counts), not characters: a character can
    /// carry any number of combining marks, so counting characters wouldn't bound the work.
    static let maximumTextLength = 200
    static let maximumPage = 10_000

    var text: String?
    var categorySlug: String?
    var brands: [String] = []
    var minPrice: Int64?
    var maxPrice: Int64?
    /// Option name → accepted values, e.g. `size: [M, L]`.
    var options: [String: [String]] = [:]
    var inStockOnly = false
    /// Only products merchandised as featured (the storefront's home page).
    var featuredOnly = false
    var sort: Sort = .relevance
    var page = 1
    var pageSize = defaultPageSize
    var includeFacets = false

    /// Lowercased words of letters and digits: what the search index matches. Punctuation, SQL
    /// and HTML meta-characters never reach a query.
    var terms: [String] { SearchText.terms(in: text ?? "") }

    /// A canonical description of everything that changes the result, for cache keys. Every stored
    /// property must appear here (a test counts them), or two different listings would share an entry.
    var cacheKey: String {
        let options = self.options.sorted { $0.key < $1.key }.map {
            "\($0.key)=\($0.value.sorted().joined(separator: "|"))"
        }
        return [
            "q=\(terms.joined(separator: " "))", "c=\(categorySlug ?? "")",
            "b=\(brands.sorted().joined(separator: "|"))",
            "min=\(minPrice.map(String.init) ?? "")", "max=\(maxPrice.map(String.init) ?? "")",
            "o=\(options.joined(separator: ";"))", "s=\(inStockOnly)", "feat=\(featuredOnly)", "sort=\(sort.rawValue)",
            "p=\(page)",
            "n=\(pageSize)", "f=\(includeFacets)",
        ].joined(separator: "&")
    }

    /// What facet counts depend on: `cacheKey` without sort, page and page size, so every sort and
    /// page of one filtered listing shares its facets.
    var facetKey: String {
        var filter = self
        filter.sort = .relevance
        filter.page = 1
        filter.pageSize = Self.defaultPageSize
        filter.includeFacets = true
        return filter.cacheKey
    }

    /// What retires its cached result besides catalogue writes: stock changes, when it filters on stock.
    var cacheScope: CatalogCache.Scope { inStockOnly ? .stockFiltered : .listing }

    /// Sort actually applied: relevance needs search text, so plain listings fall back to newest.
    var effectiveSort: Sort { sort == .relevance && terms.isEmpty ? .newest : sort }
}

extension CatalogQuery {
    /// Reads the documented query parameters, refusing bad values with a 400 that names the parameter.
    ///
    /// `q`, `category`, `brand` (comma-separated), `minPrice`/`maxPrice` (minor units),
    /// `options` (`size:M,colour:Red`), `inStock`, `featured`, `sort`, `page`, `pageSize`, `facets`.
    init(parameters: [String: String]) throws {
        if let text = parameters["q"] {
            guard text.unicodeScalars.count <= Self.maximumTextLength else {
                throw InvalidParameter(name: "q", problem: "must be at most \(Self.maximumTextLength) characters")
            }
            self.text = text
        }
        if let slug = parameters["category"], !slug.isEmpty { categorySlug = slug }
        if let brands = parameters["brand"] {
            self.brands = brands.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        minPrice = try Self.amount(parameters["minPrice"], name: "minPrice")
        maxPrice = try Self.amount(parameters["maxPrice"], name: "maxPrice")
        if let minPrice, let maxPrice, minPrice > maxPrice {
            throw InvalidParameter(name: "minPrice", problem: "must not be greater than maxPrice")
        }
        if let options = parameters["options"] { self.options = try Self.options(options) }
        inStockOnly = try Self.flag(parameters["inStock"], name: "inStock")
        featuredOnly = try Self.flag(parameters["featured"], name: "featured")
        includeFacets = try Self.flag(parameters["facets"], name: "facets")
        if let sort = parameters["sort"] {
            guard let parsed = Sort(rawValue: sort) else {
                let known = Sort.allCases.map(\.rawValue).joined(separator: ", ")
                throw InvalidParameter(name: "sort", problem: "unknown sort '\(sort)'; expected one of \(known)")
            }
            self.sort = parsed
        }
        page = try Self.integer(parameters["page"], name: "page", range: 1...Self.maximumPage) ?? 1
        pageSize =
            try Self.integer(parameters["pageSize"], name: "pageSize", range: 1...Self.maximumPageSize)
            ?? Self.defaultPageSize
    }

    private static func integer(_ raw: String?, name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let raw else { return nil }
        guard let value = Int(raw) else { throw InvalidParameter(name: name, problem: "must be a whole number") }
        guard range.contains(value) else {
            throw InvalidParameter(name: name, problem: "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    private static func amount(_ raw: String?, name: String) throws -> Int64? {
        guard let raw else { return nil }
        guard let value = Int64(raw), value >= 0, value <= 100_000_000_00 else {
            throw InvalidParameter(name: name, problem: "must be a whole, non-negative amount in minor units")
        }
        return value
    }

    private static func flag(_ raw: String?, name: String) throws -> Bool {
        switch raw?.lowercased() {
        case nil, "false", "0": return false
        case "true", "1", "": return true
        default: throw InvalidParameter(name: name, problem: "must be true or false")
        }
    }

    private static func options(_ raw: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for pair in raw.split(separator: ",") {
            let parts = pair.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw InvalidParameter(name: "options", problem: "expected name:value pairs such as size:M,colour:Red")
            }
            result[parts[0].lowercased(), default: []].append(parts[1])
        }
        guard result.count <= 10 else { throw InvalidParameter(name: "options", problem: "at most 10 option names") }
        return result
    }
}
