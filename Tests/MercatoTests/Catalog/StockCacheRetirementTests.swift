import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// A sale changes stock all day; it must not empty the catalogue cache each time. A stock change
/// retires what shows that product's stock (its page and detail) and the listings that filter on
/// stock; every other product's cached reads stay in place.
@Suite(.serialized) struct StockCacheRetirementTests {
    static let catalogue = [
        CatalogFixtures.product("Court Sneakers", category: "sneakers", price: 7_500, stock: 4),
        CatalogFixtures.product("Trail Boot", category: "boots", price: 12_000, stock: 20),
    ]
    static let browser: HTTPHeaders = ["Accept": "text/html"]
    static let reads = [
        "/p/court-sneakers", "/api/v1/products/court-sneakers", "/p/trail-boot", "/api/v1/products/trail-boot",
        "/c/shoes", "/c/shoes?inStock=1", "/api/v1/products?category=shoes&inStock=true",
    ]

    @Test(arguments: DatabaseBackend.available)
    func sellingOutRetiresOnlyThatProductAndStockFilteredListings(on backend: DatabaseBackend) async throws {
        try await CommerceFixtures.withShop(on: backend, Self.catalogue) { app in
            // setup: every read cached once, then the boot renamed behind the cache's back, so a
            // read that still says "Trail Boot" was served from the cache
            for path in Self.reads { #expect(try await Self.get(app, path).status == .ok) }
            try await app.db.sql.raw("UPDATE products SET title = 'Trail Boot Renamed' WHERE slug = 'trail-boot'").run()

            // act: one pair sold, then the last three
            try await Self.buy(app, sku: "SKU-court-sneakers", quantity: 1)
            let afterOne = try await Self.get(app, "/p/court-sneakers").body
            try await Self.buy(app, sku: "SKU-court-sneakers", quantity: 3)

            // verify: the sneakers' page and detail follow every sale
            #expect(afterOne.contains("Only 3 left"))
            #expect(try await Self.get(app, "/p/court-sneakers").body.contains("Out of stock"))
            let detail = try await Self.get(app, "/api/v1/products/court-sneakers").body
            #expect(detail.contains(#""inStock":false"#))
            // listings filtering on stock drop them at once
            #expect(!(try await Self.get(app, "/c/shoes?inStock=1").body.contains("Court Sneakers")))
            let filtered = try await Self.get(app, "/api/v1/products?category=shoes&inStock=true").body
            #expect(!filtered.contains("court-sneakers"))
            // the boot's reads, and the unfiltered listing, are still the cached ones
            for path in ["/p/trail-boot", "/api/v1/products/trail-boot", "/c/shoes"] {
                let body = try await Self.get(app, path).body
                #expect(body.contains("Trail Boot") && !body.contains("Renamed"), "\(path) was read again")
            }
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func aCancelledOrderPutsTheProductBackOnSale(on backend: DatabaseBackend) async throws {
        try await CommerceFixtures.withShop(on: backend, Self.catalogue) { app in
            // setup: the sneakers sold out, and their sold-out reads cached
            let order = try await Self.buy(app, sku: "SKU-court-sneakers", quantity: 4)
            #expect(try await Self.get(app, "/p/court-sneakers").body.contains("Out of stock"))
            #expect(!(try await Self.get(app, "/c/shoes?inStock=1").body.contains("Court Sneakers")))

            // act: staff cancel the unpaid order
            let placed = try #require(try await Order.find(order.id, on: app.db))
            try await app.orders.transition(placed, to: .cancelled, actor: "staff")

            // verify: the page and the in-stock listing offer the sneakers again
            #expect(try await Self.get(app, "/p/court-sneakers").body.contains("Only 4 left"))
            #expect(try await Self.get(app, "/c/shoes?inStock=1").body.contains("Court Sneakers"))
        }
    }

    @Test func aListingShowsStockWithinItsBoundAndAProductPageUntilItsStockMoves() async throws {
        // setup: a cache whose clock the test moves
        let clock = NIOLockedValueBox(ContinuousClock.now)
        let memory = MemoryCache(now: { clock.withLockedValue { $0 } })
        let cache = CatalogCache(cache: memory, versionRefresh: .zero, listingStockBound: .seconds(60))
        try await cache.lookup("list", scope: .listing).store(Data("listing".utf8))
        try await cache.lookup("product", scope: .product(slug: "court-sneakers")).store(Data("page".utf8))
        try await cache.lookup("other", scope: .product(slug: "trail-boot")).store(Data("other".utf8))

        // act: 61 seconds pass, then the sneakers' stock moves without selling out
        clock.withLockedValue { $0 += .seconds(61) }
        let listing = try await cache.lookup("list", scope: .listing).hit
        let pageBefore = try await cache.lookup("product", scope: .product(slug: "court-sneakers")).hit
        try await cache.stockChanged(slugs: ["court-sneakers"], availabilityCrossedZero: false)
        let pageAfter = try await cache.lookup("product", scope: .product(slug: "court-sneakers")).hit
        let other = try await cache.lookup("other", scope: .product(slug: "trail-boot")).hit

        // verify: the listing's stock badges are at most a minute old; the product page lasts
        // until its own stock changes, and only its own
        #expect(listing == nil)
        #expect(pageBefore == Data("page".utf8))
        #expect(pageAfter == nil)
        #expect(other == Data("other".utf8))
    }

    /// Adds `quantity` of `sku` to a new cart and checks out as a guest.
    @discardableResult
    static func buy(_ app: Application, sku: String, quantity: Int) async throws -> OrderDTO {
        let cart = try await CommerceFixtures.createCart(app)
        try await CommerceFixtures.add(app, cart, sku: sku, quantity: quantity)
        let placed = try await CommerceFixtures.checkout(app, cart)
        return try #require(placed.order, "checkout answered \(placed.status) \(placed.code ?? "")")
    }

    static func get(_ app: Application, _ path: String) async throws -> (status: HTTPStatus, body: String) {
        var result: (HTTPStatus, String) = (.internalServerError, "")
        try await app.testing().test(.GET, path, headers: path.hasPrefix("/api") ? [:] : browser) { response in
            result = (response.status, response.body.string)
        }
        return result
    }
}
