/// The filter form beside a listing: checkboxes with facet counts for brands and option values,
/// price fields with one-click price bands, in-stock, and sort. A plain GET form, so it works
/// without JavaScript and every filtered page has a shareable URL.
struct FilterPanel: Encodable, Sendable {
    struct Choice: Encodable, Sendable {
        var value: String
        var label: String
        var count: Int
        var isChecked: Bool
    }

    struct OptionGroup: Encodable, Sendable {
        /// `Size`
        var label: String
        var choices: [Choice]
    }

    struct HiddenField: Encodable, Sendable {
        var name: String
        var value: String
    }

    /// A facet value applied by following a link rather than ticking a box.
    struct FacetLink: Encodable, Sendable {
        var label: String
        var url: String
        var count: Int
        var isSelected: Bool
    }

    struct SortChoice: Encodable, Sendable {
        var value: String
        var label: String
        var isSelected: Bool
    }

    /// Where the form submits: the listing itself.
    var action: String
    /// Carried along unchanged (`q` and `category` on the search page).
    var hiddenFields: [HiddenField]
    var brands: [Choice]
    var options: [OptionGroup]
    var priceBands: [FacetLink]
    /// Search only: narrow the results to one category.
    var categories: [FacetLink]
    /// Search only: the same search across every category, once one is chosen.
    var allCategoriesURL: String?
    var minPrice: String
    var maxPrice: String
    var inStock: Bool
    var sortChoices: [SortChoice]
    /// The listing without any filter, when one is active.
    var clearURL: String?

    /// - Parameters:
    ///   - base: the listing's address.
    ///   - currency: the listing's currency, for price band labels (bands count minor units of it).
    ///   - keep: parameters the form must carry as hidden fields.
    ///   - offersRelevance: only text searches can sort by relevance.
    init(
        base: SiteURL, parameters: ListingParameters, facets: CatalogDTO.Facets?, currency: String,
        keep: [(name: String, value: String)], offersRelevance: Bool
    ) {
        action = base.path
        hiddenFields = keep.map { HiddenField(name: $0.name, value: $0.value) }
        brands = Self.choices(facets?.brands ?? [], selected: parameters.brands) { $0 }
        let selectedOptions = parameters.options.compactMap { pair -> (String, String)? in
            let parts = pair.split(separator: ":", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0].lowercased(), parts[1]) : nil
        }
        let facetOptions = facets?.options ?? []
        // A selected value with no matches left still needs its checkbox, or it could never be cleared.
        var names = facetOptions.map(\.name)
        for (name, _) in selectedOptions where !names.contains(name) { names.append(name) }
        options = names.map { name in
            OptionGroup(
                label: name.prefix(1).uppercased() + name.dropFirst(),
                choices: Self.choices(
                    facetOptions.first { $0.name == name }?.values ?? [],
                    selected: selectedOptions.filter { $0.0 == name }.map { "\(name):\($0.1)" }
                ) { "\(name):\($0)" })
        }
        priceBands = (facets?.priceBands ?? []).map { band in
            var banded = parameters
            banded.minPrice = ListingParameters.wholeUnits(band.min)
            banded.maxPrice = band.max.map { ListingParameters.wholeUnits($0 - 1) }
            banded.page = nil
            let money = { (minor: Int64) in Money(amount: minor, currency: currency).formatted }
            let label = band.max.map { "\(money(band.min)) – \(money($0 - 1))" } ?? "\(money(band.min)) and up"
            return FacetLink(
                label: label, url: base.with(query: banded.queryItems()), count: band.count,
                isSelected: banded.minPrice == parameters.minPrice && banded.maxPrice == parameters.maxPrice)
        }
        categories =
            base == .search
            ? (facets?.categories ?? []).map { facet in
                var narrowed = parameters
                narrowed.category = facet.value
                narrowed.page = nil
                return FacetLink(
                    label: facet.label, url: base.with(query: narrowed.queryItems()), count: facet.count,
                    isSelected: facet.value == parameters.category)
            } : []
        var widened = parameters
        widened.category = nil
        widened.page = nil
        allCategoriesURL =
            base == .search && parameters.category != nil ? base.with(query: widened.queryItems()) : nil
        minPrice = parameters.minPrice ?? ""
        maxPrice = parameters.maxPrice ?? ""
        inStock = parameters.inStock
        let current = parameters.sort ?? (offersRelevance ? "relevance" : "newest")
        sortChoices = Self.sortLabels.filter { offersRelevance || $0.0 != .relevance }.map {
            SortChoice(value: $0.0.rawValue, label: $0.1, isSelected: $0.0.rawValue == current)
        }
        clearURL = parameters.hasFilters ? base.with(query: keep) : nil
    }

    private static let sortLabels: [(CatalogQuery.Sort, String)] = [
        (.relevance, "Best match"), (.newest, "Newest"), (.priceAscending, "Price: low to high"),
        (.priceDescending, "Price: high to low"), (.title, "Name: A to Z"),
    ]

    /// Facet values with the shopper's selections checked; selections without matches stay listed.
    private static func choices(
        _ values: [CatalogDTO.FacetValue], selected: [String], value: (String) -> String
    ) -> [Choice] {
        var choices = values.map {
            Choice(
                value: value($0.value), label: $0.label, count: $0.count, isChecked: selected.contains(value($0.value)))
        }
        let listed = Set(choices.map(\.value))
        choices += selected.filter { !listed.contains($0) }.map {
            Choice(
                value: $0, label: String($0.split(separator: ":", maxSplits: 1).last ?? ""), count: 0, isChecked: true)
        }
        return choices
    }
}
