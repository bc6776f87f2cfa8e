import Fluent
import Foundation
import SQLKit
import Vapor

/// The read side of the catalogue, as the Store API and the storefront see it.
struct CatalogService {
    let database: any Database
    let search: any SearchEngine
    let storage: any ObjectStorage
    /// Holds the category tree between requests; nil reads it from the database every time.
    let cache: CatalogCache?

    init(database: any Database, search: any SearchEngine, storage: any ObjectStorage, cache: CatalogCache? = nil) {
        self.database = database
        self.search = search
        self.storage = storage
        self.cache = cache
    }

    static let lowStockThreshold = 5

    func categoryIndex() async throws -> CategoryIndex {
        guard let cache else { return try await CategoryIndex.load(from: database.sql) }
        return try await cache.categoryIndex { try await CategoryIndex.load(from: database.sql) }
    }

    func categoryTree() async throws -> CatalogDTO.CategoryTree {
        try await categoryIndex().tree
    }

    /// A page of products for a listing or a search.
    /// - Throws: 404 for an unknown category slug.
    func list(_ query: CatalogQuery) async throws -> CatalogDTO.ProductPage {
        var categoryIDs: [UUID]?
        if let slug = query.categorySlug {
            let index = try await categoryIndex()
            guard let category = index.node(slug: slug) else {
                throw CatalogError.unknownCategory(slug)
            }
            categoryIDs = index.subtreeIDs(of: category.id)
        }
        let hits = try await hits(query, categoryIDs: categoryIDs)
        return CatalogDTO.ProductPage(
            items: try await summaries(ids: hits.productIDs), page: query.page, pageSize: query.pageSize,
            total: hits.total, totalPages: (hits.total + query.pageSize - 1) / query.pageSize, facets: hits.facets,
            correctedQuery: hits.correctedText)
    }

    /// The search engine's page, with facets shared by every sort and page of the same filter:
    /// counting them reads the whole result (a top category's every option row), the page only
    /// its first rows, and shoppers and crawlers walk sorts and pages far more than filters.
    ///
    /// With a cache, the held `ListingIndex` answers instead of the database: every listing, and
    /// every search whose engine can list its text matches.
    private func hits(_ query: CatalogQuery, categoryIDs: [UUID]?) async throws -> SearchHits {
        if let cache, query.terms.isEmpty {
            return try await cache.listingIndex(from: database.sql).hits(for: query, categoryIDs: categoryIDs)
        }
        if let cache, let engine = search as? any TextMatchListing {
            return try await indexedSearch(query, categoryIDs: categoryIDs, engine: engine, cache: cache)
        }
        guard query.includeFacets, let cache else {
            return try await search.search(query, categoryIDs: categoryIDs, on: database)
        }
        let entry = try await cache.lookup("facets:\(query.facetKey)", scope: query.cacheScope)
        if let stored = entry.hit, let facets = try? JSONDecoder().decode(CatalogDTO.Facets.self, from: stored) {
            var pageOnly = query
            pageOnly.includeFacets = false
            var hits = try await search.search(pageOnly, categoryIDs: categoryIDs, on: database)
            hits.facets = facets
            return hits
        }
        let hits = try await search.search(query, categoryIDs: categoryIDs, on: database)
        if let facets = hits.facets { try await entry.store(try JSONEncoder.api.encode(facets)) }
        return hits
    }

    /// A search answered by the `ListingIndex` over the engine's matches, with the engine's typo
    /// correction when nothing matched the filters, as `DatabaseSearchEngine.search` corrects.
    private func indexedSearch(
        _ query: CatalogQuery, categoryIDs: [UUID]?, engine: any TextMatchListing, cache: CatalogCache
    ) async throws -> SearchHits {
        let index = try await cache.listingIndex(from: database.sql)
        let memo = index.catalogue.textMatches
        let terms = query.terms
        let matching = try await memo.matches(terms) {
            index.catalogue.ranked(try await engine.matches(terms, on: database))
        }
        var hits = index.hits(for: query, categoryIDs: categoryIDs, matching: matching)
        guard hits.total == 0 else { return hits }
        let corrected = try await memo.corrected(terms) { try await engine.corrected(terms, on: database) }
        guard corrected != terms else { return hits }
        let correctedMatching = try await memo.matches(corrected) {
            index.catalogue.ranked(try await engine.matches(corrected, on: database))
        }
        hits = index.hits(for: query, categoryIDs: categoryIDs, matching: correctedMatching)
        hits.correctedText = corrected.joined(separator: " ")
        return hits
    }

    func suggestions(for prefix: String, limit: Int = 8) async throws -> CatalogDTO.Suggestions {
        let ids = try await search.suggest(prefix, limit: limit, on: database)
        let items = try await summaries(ids: ids)
        return CatalogDTO.Suggestions(
            query: prefix, suggestions: items.map { CatalogDTO.Suggestion(title: $0.title, slug: $0.slug) })
    }

    /// Product cards in the order of `ids`.
    func summaries(ids: [UUID]) async throws -> [CatalogDTO.ProductSummary] {
        guard !ids.isEmpty else { return [] }
        let rows = try await database.sql.raw(
            """
            SELECT p.id, p.slug, p.title, p.brand, p.currency, p.price_min, p.price_max,
                (SELECT MAX(v.compare_at_amount) FROM variants v WHERE v.product_id = p.id) AS compare_at,
                \(InventoryReadModel.stockedVariantCount(product: "p.id")) AS stocked,
                (SELECT im.storage_key FROM product_images im WHERE im.product_id = p.id
                    ORDER BY im.position LIMIT 1) AS image_key,
                (SELECT im.alt FROM product_images im WHERE im.product_id = p.id ORDER BY im.position LIMIT 1) AS image_alt
            FROM products p WHERE p.id IN (\(binds: ids))
            """
        ).all()
        var byID: [UUID: CatalogDTO.ProductSummary] = [:]
        for row in rows {
            let currency = try row.decode(column: "currency", as: String.self)
            let priceMin = try row.decode(column: "price_min", as: Int64.self)
            let priceMax = try row.decode(column: "price_max", as: Int64.self)
            let compareAt = try row.decode(column: "compare_at", as: Int64?.self)
            let imageKey = try row.decode(column: "image_key", as: String?.self)
            let summary = CatalogDTO.ProductSummary(
                id: try row.decode(column: "id", as: UUID.self), slug: try row.decode(column: "slug", as: String.self),
                title: try row.decode(column: "title", as: String.self),
                brand: try row.decode(column: "brand", as: String.self),
                price: Money(amount: priceMin, currency: currency),
                priceMax: priceMax > priceMin ? Money(amount: priceMax, currency: currency) : nil,
                compareAtPrice: compareAt.flatMap { $0 > priceMin ? Money(amount: $0, currency: currency) : nil },
                inStock: try row.decode(column: "stocked", as: Int.self) > 0,
                image: imageKey.map {
                    CatalogDTO.Image(
                        url: storage.publicURL(for: $0),
                        alt: (try? row.decode(column: "image_alt", as: String.self)) ?? "")
                })
            byID[summary.id] = summary
        }
        return ids.compactMap { byID[$0] }
    }

    /// An active product with everything its page shows, in two round trips (the product row, then
    /// `ProductDetailReader`'s one statement); the category tree is held in process.
    /// - Throws: 404 for an unknown, draft or archived product; `productMoved` for an old slug.
    func product(slug: String) async throws -> CatalogDTO.ProductDetail {
        let reader = ProductDetailReader(sql: try database.sql)
        let product = try await activeProduct(slug: slug, reader)
        let productID = product.id
        let parts = try await reader.parts(of: productID, withImages: true)
        let variants = Self.variantDTOs(parts)
        let index = try await categoryIndex()
        let categoryID = product.categoryID
        return CatalogDTO.ProductDetail(
            id: productID, slug: product.slug, title: product.title, description: product.description,
            brand: product.brand, attributes: product.attributes,
            category: categoryID.flatMap { index.breadcrumbs(of: $0).last },
            breadcrumbs: categoryID.map { index.breadcrumbs(of: $0) } ?? [],
            images: parts.images.map { CatalogDTO.Image(url: storage.publicURL(for: $0.storageKey), alt: $0.alt) },
            options: Self.options(of: variants), variants: variants,
            price: product.priceMin,
            priceMax: product.priceMax.amount > product.priceMin.amount ? product.priceMax : nil,
            inStock: variants.contains { $0.stock.available > 0 })
    }

    /// Variants with live stock: only what the variant list needs, no images or breadcrumbs.
    func variants(slug: String) async throws -> CatalogDTO.VariantList {
        let reader = ProductDetailReader(sql: try database.sql)
        let product = try await activeProduct(slug: slug, reader)
        let parts = try await reader.parts(of: product.id, withImages: false)
        return CatalogDTO.VariantList(productSlug: product.slug, variants: Self.variantDTOs(parts))
    }

    /// - Throws: 404 for an unknown, draft or archived product; `productMoved` for a slug an active
    ///   product had before (looked up only once the slug names no product, so it costs nothing on
    ///   the pages shoppers read).
    private func activeProduct(
        slug: String, _ reader: ProductDetailReader
    ) async throws -> ProductDetailReader.ProductRow {
        guard let product = try await reader.activeProduct(slug: slug) else {
            if let current = try await SlugRedirects(db: database).current(for: slug) {
                throw CatalogError.productMoved(to: current)
            }
            throw CatalogError.unknownProduct(slug)
        }
        return product
    }

    private static func variantDTOs(_ parts: ProductDetailReader.Parts) -> [CatalogDTO.Variant] {
        parts.variants.map { variant in
            let count = variant.available
            let status: CatalogDTO.Stock.Status =
                count == 0 ? .outOfStock : count <= Self.lowStockThreshold ? .lowStock : .inStock
            return CatalogDTO.Variant(
                id: variant.id, sku: variant.sku, title: variant.title, options: parts.options[variant.id] ?? [:],
                price: variant.price,
                compareAtPrice: variant.compareAtAmount.flatMap {
                    $0 > variant.price.amount ? Money(amount: $0, currency: variant.price.currency) : nil
                },
                weightGrams: variant.weightGrams, stock: CatalogDTO.Stock(status: status, available: count))
        }
    }

    /// Option names in first-seen order with their distinct values, for the variant picker.
    private static func options(of variants: [CatalogDTO.Variant]) -> [CatalogDTO.Option] {
        var names: [String] = []
        var values: [String: [String]] = [:]
        for variant in variants {
            for (name, value) in variant.options.sorted(by: { $0.key < $1.key }) {
                if values[name] == nil { names.append(name) }
                if !(values[name]?.contains(value) ?? false) { values[name, default: []].append(value) }
            }
        }
        return names.map { CatalogDTO.Option(name: $0, values: values[$0] ?? []) }
    }
}

extension Request {
    /// The catalogue's read side on the request's database.
    var catalog: CatalogService {
        CatalogService(
            database: db, search: application.searchEngine, storage: application.objectStorage,
            cache: application.catalogCache)
    }
}
