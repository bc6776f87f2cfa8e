import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Catalogue read results, cached as encoded JSON under a catalogue-wide version and, for what
/// shows stock, a stock counter as narrow as the change.
///
/// A catalogue write (products, images, categories, a seed) bumps the version in the shared cache,
/// so every instance stops using older entries: with Redis, within `versionRefresh` (1 s) of the
/// write; entries also expire after `ttl` as a backstop. A stock change does not: it retires only
/// what shows that product's stock exactly (its detail and page, through the product's own
/// counter, read on every lookup) and the listings that filter on stock (one shared counter, read
/// like the version). Listings that only show an in-stock badge keep it within
/// `listingStockBound`, the same minute their public `max-age` allows any cache downstream. If the
/// cache is down, reads go to the database.
final class CatalogCache: Sendable {
    static let versionKey = "catalog:version"
    /// Moves when any product sells out or comes back, for listings filtering on stock.
    static let stockVersionKey = "catalog:stock"
    /// A product's stock counter. Written without expiry, like the version: Redis' default
    /// eviction (volatile-lru) and `MemoryCache`'s LRU drop the entries it guards before it, so a
    /// counter that starts again from 0 never meets an entry of its earlier life.
    static func productStockKey(slug: String) -> String { "catalog:stock:p:\(slug)" }

    let cache: any Cache
    let ttl: Duration
    let versionRefresh: Duration
    /// How long a listing may show a product in stock after it sold out (or the reverse).
    let listingStockBound: Duration
    private let counters = NIOLockedValueBox<[String: (value: Int, readAt: ContinuousClock.Instant)]>([:])
    private let categories: VersionedHold<Int, CategoryIndex>
    /// The listing index, reloaded when the catalogue version moves.
    private let listings: VersionedHold<Int, ListingCatalogue>

    /// How long a listing waits for the listing index (or its in-stock flags) of a newer version
    /// before the one held for the older version answers it, while the load goes on.
    let listingPatience: Duration

    /// - Parameter listingPatience: 250 ms by default: a small catalogue's index loads well
    ///   within it, so listings show a write at once; at 100,000 products a load takes about
    ///   1.5 s, and listings meanwhile answer from the index they had instead of queueing.
    init(
        cache: any Cache, ttl: Duration = .seconds(300), versionRefresh: Duration = .seconds(1),
        listingStockBound: Duration = .seconds(60), listingPatience: Duration = .milliseconds(250)
    ) {
        self.cache = cache
        self.ttl = ttl
        self.versionRefresh = versionRefresh
        self.listingStockBound = min(ttl, listingStockBound)
        self.listingPatience = listingPatience
        categories = VersionedHold(maxAge: ttl)
        listings = VersionedHold(maxAge: ttl, patience: listingPatience)
    }

    /// What a cached read shows besides catalogue content, which decides what else retires it.
    enum Scope: Sendable, Equatable {
        /// Catalogue content only (the category tree).
        case catalogue
        /// One product with its live stock: its detail and its pages.
        case product(slug: String)
        /// A listing or search filtered on stock: which products it holds depends on stock.
        case stockFiltered
        /// A listing or search that shows stock only as a badge on each card.
        case listing
    }

    /// The cached JSON for `key`, or `produce()` encoded, stored and returned.
    func json(_ key: String, scope: Scope, produce: () async throws -> some Encodable) async throws -> Data {
        let entry = try await lookup(key, scope: scope)
        if let hit = entry.hit { return hit }
        let body = try JSONEncoder.api.encode(try await entry.produce(produce))
        try await entry.store(body)
        return body
    }

    /// An entry of the current catalogue version (and stock counter, for its scope): its bytes if
    /// cached, and how to store them. The counters are read once, before the caller reads the
    /// database, so bytes computed across a write never land under the newer counter.
    func lookup(_ key: String, scope: Scope) async throws -> Entry {
        var fullKey = "catalog:v\(try await counter(Self.versionKey, refresh: versionRefresh))"
        var lifetime = ttl
        switch scope {
        case .catalogue: break
        case .product(let slug): fullKey += ":p\(try await counter(Self.productStockKey(slug: slug), refresh: .zero))"
        case .stockFiltered: fullKey += ":s\(try await counter(Self.stockVersionKey, refresh: versionRefresh))"
        case .listing: lifetime = listingStockBound
        }
        fullKey += ":" + key
        return Entry(
            hit: try await cache.get(fullKey).map { Data($0) }, key: fullKey, lifetime: lifetime, owner: self,
            olderIndex: OlderIndexMark(within: Self.olderIndex))
    }

    struct Entry {
        let hit: Data?
        fileprivate let key: String
        fileprivate let lifetime: Duration
        fileprivate let owner: CatalogCache
        fileprivate let olderIndex: OlderIndexMark

        /// Runs what computes the entry's bytes, noting whether it read a listing index older than
        /// the version the entry was looked up under.
        func produce<T>(_ body: () async throws -> T) async throws -> T {
            try await CatalogCache.$olderIndex.withValue(olderIndex) { try await body() }
        }

        /// Stores the bytes `produce` computed, unless they came from an older listing index: they
        /// answered one request while the newer index loaded, and must not outlive that.
        func store(_ body: Data) async throws {
            guard !olderIndex.isSet else { return }
            try await owner.cache.set(key, to: Array(body), expiresIn: lifetime)
        }
    }

    /// The mark of the entry being computed, if any.
    @TaskLocal static var olderIndex: OlderIndexMark?

    /// The category tree of the current catalogue version, held in process: every product page,
    /// listing and breadcrumb needs it, and it changes only with the catalogue. Reloaded when the
    /// version moves, and at least every `ttl` like any cached read. Requests that miss together
    /// share one load, so a version change under load costs one read of the tree, not one each.
    func categoryIndex(load: @escaping @Sendable () async throws -> CategoryIndex) async throws -> CategoryIndex {
        try await categories.value(for: try await counter(Self.versionKey, refresh: versionRefresh), load: load)
    }

    /// The listing index of the current catalogue version with the in-stock flags of the current
    /// stock counter: every listing without search text is answered from it in process (see
    /// `ListingIndex`). A catalogue write reloads it whole; a product selling out or coming back
    /// reloads only the flags.
    func listingIndex(from sql: any SQLDatabase) async throws -> ListingIndex {
        let version = try await counter(Self.versionKey, refresh: versionRefresh)
        let stock = try await counter(Self.stockVersionKey, refresh: versionRefresh)
        let catalogue = try await listings.answer(for: version) { [ttl, listingPatience] in
            try await ListingCatalogue.load(from: sql, maxAge: ttl, patience: listingPatience)
        }
        let inStock = try await catalogue.value.stock.answer(for: stock) {
            try await catalogue.value.loadInStock(from: sql)
        }
        if !catalogue.isCurrent || !inStock.isCurrent { Self.olderIndex?.set() }
        return ListingIndex(catalogue: catalogue.value, inStock: inStock.value)
    }

    /// Call after any catalogue write that isn't only stock.
    func invalidate() async throws {
        try await bump(Self.versionKey, held: true)
    }

    /// Call after the stock of these products changed (sold, returned, counted).
    /// - Parameter availabilityCrossedZero: some variant sold out or came back, so listings
    ///   filtering on stock change too.
    func stockChanged(slugs: some Sequence<String>, availabilityCrossedZero: Bool) async throws {
        for slug in Set(slugs) { try await bump(Self.productStockKey(slug: slug), held: false) }
        if availabilityCrossedZero { try await bump(Self.stockVersionKey, held: true) }
    }

    /// - Parameter held: the counter is one of the two this process holds (the writer sees its own
    ///   write at once).
    private func bump(_ key: String, held: Bool) async throws {
        let next = try await cache.increment(key, by: 1, expiresIn: nil)
        if held { counters.withLockedValue { $0[key] = (next, ContinuousClock.now) } }
    }

    /// A shared counter, re-read from the cache once `refresh` has passed. Only the two shared
    /// counters are held in process; a product's is read every time (`refresh` zero).
    private func counter(_ key: String, refresh: Duration) async throws -> Int {
        let now = ContinuousClock.now
        if refresh > .zero, let known = counters.withLockedValue({ $0[key] }), now - known.readAt < refresh {
            return known.value
        }
        let stored = try await cache.get(key).flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
        if refresh > .zero { counters.withLockedValue { $0[key] = (stored, now) } }
        return stored
    }
}

/// Set when an entry's bytes were computed from a listing index older than the entry's version;
/// a mark set inside another entry's computation (a page around its listing) sets that one too.
final class OlderIndexMark: Sendable {
    private let outer: OlderIndexMark?
    private let marked = NIOLockedValueBox(false)

    init(within outer: OlderIndexMark?) {
        self.outer = outer
    }

    var isSet: Bool { marked.withLockedValue { $0 } }

    func set() {
        marked.withLockedValue { $0 = true }
        outer?.set()
    }
}

extension Application {
    private struct CatalogCacheKey: StorageKey {
        typealias Value = CatalogCache
    }

    var catalogCache: CatalogCache {
        get {
            guard let cache = storage[CatalogCacheKey.self] else {
                fatalError("AdapterSetup installs the catalogue cache")
            }
            return cache
        }
        set { storage[CatalogCacheKey.self] = newValue }
    }
}
