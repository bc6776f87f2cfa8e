import Foundation

/// A listing answered in process: the filter, sort, page, total and facets of
/// `FacetCounter`'s statement, computed over `ListingCatalogue` by one pass over a permutation
/// instead of reading the whole result from the database. At 100,000 products a top category's
/// facets read 25,000 products and 130,000 option rows per miss (0.8 s); here they cost one walk of
/// an array. Only the page's product cards are then read from the database. A search's words are
/// matched by the engine (`TextMatchListing`); the index then only walks what they matched.
struct ListingIndex {
    let catalogue: ListingCatalogue
    /// Per position, from the stock counter's load.
    let inStock: [Bool]

    /// The page of `query` within `categoryIDs`, as the search engine would answer it.
    /// - Parameter matching: for a query with search text, the positions its words match in
    ///   relevance order (`ListingCatalogue.ranked`); nil for a query without.
    func hits(for query: CatalogQuery, categoryIDs: [UUID]?, matching: [Int32]? = nil) -> SearchHits {
        let filter = Filter(query: query, categoryIDs: categoryIDs, catalogue: catalogue)
        var member: [Bool]?
        let order: [Int32]?
        if let matching, query.effectiveSort == .relevance {
            order = matching
        } else {
            if let matching {
                var matched = [Bool](repeating: false, count: catalogue.ids.count)
                for position in matching { matched[Int(position)] = true }
                member = matched
            }
            order =
                switch query.effectiveSort {
                case .relevance, .newest: catalogue.newest
                case .priceAscending: catalogue.priceAscending
                case .priceDescending: catalogue.priceDescending
                case .title: nil
                }
        }
        let offset = (query.page - 1) * query.pageSize
        var tally = query.includeFacets ? Tally(catalogue) : nil
        var total = 0
        var page: [UUID] = []
        let visit = { (position: Int) in
            guard member?[position] ?? true, filter.admits(position, inStock: inStock) else { return }
            if total >= offset, page.count < query.pageSize { page.append(catalogue.ids[position]) }
            total += 1
            tally?.count(position)
        }
        if let order {
            for position in order { visit(Int(position)) }
        } else {
            for position in catalogue.ids.indices { visit(position) }
        }
        return SearchHits(productIDs: page, total: total, facets: tally?.facets, correctedText: nil)
    }

    /// The query's filters as codes of the catalogue: a brand, option value or category the
    /// catalogue doesn't hold admits nothing, like the SQL `IN` it stands for.
    private struct Filter {
        let catalogue: ListingCatalogue
        let categories: [Bool]?
        let brands: [Bool]?
        let minPrice: Int64?
        let maxPrice: Int64?
        /// One per requested option name: which option codes satisfy it.
        let optionGroups: [[Bool]]
        let featuredOnly: Bool
        let inStockOnly: Bool

        init(query: CatalogQuery, categoryIDs: [UUID]?, catalogue: ListingCatalogue) {
            self.catalogue = catalogue
            categories = categoryIDs.map { ids in
                var admitted = [Bool](repeating: false, count: catalogue.categories.count)
                for id in ids { if let code = catalogue.categoryCodeByID[id] { admitted[Int(code)] = true } }
                return admitted
            }
            brands =
                query.brands.isEmpty
                ? nil
                : {
                    var admitted = [Bool](repeating: false, count: catalogue.brands.count)
                    for brand in query.brands {
                        if let code = catalogue.brandCodeByName[brand] { admitted[Int(code)] = true }
                    }
                    return admitted
                }()
            optionGroups = query.options.map { name, values in
                var admitted = [Bool](repeating: false, count: catalogue.options.count)
                for value in values {
                    if let code = catalogue.optionCodeByName[name]?[value] { admitted[Int(code)] = true }
                }
                return admitted
            }
            (minPrice, maxPrice) = (query.minPrice, query.maxPrice)
            (featuredOnly, inStockOnly) = (query.featuredOnly, query.inStockOnly)
        }

        func admits(_ position: Int, inStock: [Bool]) -> Bool {
            if let categories {
                let code = catalogue.categoryCodes[position]
                guard code >= 0, categories[Int(code)] else { return false }
            }
            if let brands, !brands[Int(catalogue.brandCodes[position])] { return false }
            let price = catalogue.prices[position]
            if let minPrice, price < minPrice { return false }
            if let maxPrice, price > maxPrice { return false }
            if featuredOnly, !catalogue.featured[position] { return false }
            if inStockOnly, !inStock[position] { return false }
            if !optionGroups.isEmpty {
                let codes = catalogue.optionCodes[
                    Int(catalogue.optionStarts[position])..<Int(catalogue.optionStarts[position + 1])]
                for group in optionGroups where !codes.contains(where: { group[Int($0)] }) { return false }
            }
            return true
        }
    }

    /// Facet counts of the admitted products, shaped like `FacetCounter`'s.
    private struct Tally {
        let catalogue: ListingCatalogue
        var categories: [Int]
        var brands: [Int]
        var bands: [Int]
        var options: [Int]

        init(_ catalogue: ListingCatalogue) {
            self.catalogue = catalogue
            categories = [Int](repeating: 0, count: catalogue.categories.count)
            brands = [Int](repeating: 0, count: catalogue.brands.count)
            bands = [Int](repeating: 0, count: FacetCounter.priceEdges.count)
            options = [Int](repeating: 0, count: catalogue.options.count)
        }

        mutating func count(_ position: Int) {
            let category = catalogue.categoryCodes[position]
            if category >= 0 { categories[Int(category)] += 1 }
            brands[Int(catalogue.brandCodes[position])] += 1
            let price = catalogue.prices[position]
            if let band = FacetCounter.priceEdges.lastIndex(where: { price >= $0 }) { bands[band] += 1 }
            for index in Int(catalogue.optionStarts[position])..<Int(catalogue.optionStarts[position + 1]) {
                options[Int(catalogue.optionCodes[index])] += 1
            }
        }

        var facets: CatalogDTO.Facets {
            let categoryValues = categories.indices.filter { categories[$0] > 0 }.map {
                CatalogDTO.FacetValue(
                    value: catalogue.categories[$0].slug, label: catalogue.categories[$0].name, count: categories[$0])
            }
            let brandValues = brands.indices.filter { brands[$0] > 0 }.map {
                CatalogDTO.FacetValue(value: catalogue.brands[$0], label: catalogue.brands[$0], count: brands[$0])
            }
            let optionValues = options.indices.filter { options[$0] > 0 }.map {
                let (name, value) = catalogue.options[$0]
                return (name: name, value: CatalogDTO.FacetValue(value: value, label: value, count: options[$0]))
            }
            let counted = Dictionary(
                uniqueKeysWithValues: bands.indices.filter { bands[$0] > 0 }.map { ($0, bands[$0]) })
            return CatalogDTO.Facets(
                categories: FacetCounter.mostFrequent(categoryValues), brands: FacetCounter.mostFrequent(brandValues),
                priceBands: FacetCounter.priceBands(counted), options: FacetCounter.optionFacets(optionValues))
        }
    }
}
