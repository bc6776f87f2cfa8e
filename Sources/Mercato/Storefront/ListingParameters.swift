import Foundation

/// What a shopper's filter form and listing links carry, as typed: `q`, `category` (search only),
/// `brand` and `option` (repeatable, `option=size:M`), `minPrice`/`maxPrice` in whole currency
/// units (`49.99`), `inStock`, `sort`, `page`. Empty fields count as absent, as browsers send them.
struct ListingParameters: Equatable, Sendable {
    var text: String?
    var category: String?
    var brands: [String] = []
    var options: [String] = []
    var minPrice: String?
    var maxPrice: String?
    var inStock = false
    var sort: String?
    var page: String?

    init(form: [String: [String]]) {
        func single(_ name: String) -> String? {
            form[name]?.last.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
        text = single("q")
        category = single("category")
        brands = Self.distinct(form["brand"] ?? [])
        options = Self.distinct(form["option"] ?? [])
        minPrice = single("minPrice")?.trimmingCharacters(in: .whitespaces)
        maxPrice = single("maxPrice")?.trimmingCharacters(in: .whitespaces)
        inStock = single("inStock") != nil
        sort = single("sort")
        page = single("page")
    }

    /// Whether any filter narrows the listing (text and sort don't count).
    var hasFilters: Bool {
        !brands.isEmpty || !options.isEmpty || minPrice != nil || maxPrice != nil || inStock
    }

    /// The validated catalogue query, refusing bad input with the same 400s as the Store API (one
    /// parser): unknown sort, bad page, min above max, overlong text.
    func catalogQuery(categorySlug: String?, includeFacets: Bool = true) throws -> CatalogQuery {
        var parameters: [String: String] = [:]
        parameters["q"] = text
        parameters["category"] = categorySlug
        if !brands.isEmpty { parameters["brand"] = brands.joined(separator: ",") }
        if !options.isEmpty { parameters["options"] = options.joined(separator: ",") }
        parameters["minPrice"] = try minPrice.map { String(try Self.minorUnits($0, name: "minPrice")) }
        parameters["maxPrice"] = try maxPrice.map { String(try Self.minorUnits($0, name: "maxPrice")) }
        if inStock { parameters["inStock"] = "true" }
        parameters["sort"] = sort
        parameters["page"] = page
        if includeFacets { parameters["facets"] = "true" }
        return try CatalogQuery(parameters: parameters)
    }

    /// The parameters as link query pairs, in a stable order, with `page` replaced (nil drops it,
    /// which is page 1) so pagination and sort links keep every other choice.
    func queryItems(page: Int? = nil, includeSort: Bool = true) -> [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if let text { items.append(("q", text)) }
        if let category { items.append(("category", category)) }
        items += brands.map { ("brand", $0) }
        items += options.map { ("option", $0) }
        if let minPrice { items.append(("minPrice", minPrice)) }
        if let maxPrice { items.append(("maxPrice", maxPrice)) }
        if inStock { items.append(("inStock", "1")) }
        if includeSort, let sort { items.append(("sort", sort)) }
        if let page, page > 1 { items.append(("page", String(page))) }
        return items
    }

    /// `49.99` → `4999`: whole units with up to two decimals, never through floating point.
    static func minorUnits(_ text: String, name: String) throws -> Int64 {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard !whole.isEmpty, whole.count <= 9, fraction.count <= 2, (whole + fraction).allSatisfy(\.isASCII),
            let units = Int64(whole), units >= 0, fraction.allSatisfy(\.isNumber)
        else {
            throw InvalidParameter(name: name, problem: "must be an amount such as 25 or 49.99")
        }
        let cents = Int64(fraction.padding(toLength: 2, withPad: "0", startingAt: 0)) ?? 0
        return units * 100 + cents
    }

    /// `4999` → `49.99`, `2500` → `25`: how a price band fills the form.
    static func wholeUnits(_ minor: Int64) -> String {
        let cents = minor % 100
        return cents == 0 ? String(minor / 100) : "\(minor / 100)." + (cents < 10 ? "0" : "") + String(cents)
    }

    private static func distinct(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
