import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

@Suite(.serialized) struct CartAPITests {
    static let catalogue = [
        CatalogFixtures.product("Court Sneakers", category: "sneakers", price: 7_500, stock: 3),
        CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30),
    ]

    private func cart(_ app: Application, _ handle: CommerceFixtures.CartHandle) async throws -> CartDTO {
        var cart: CartDTO?
        try await app.testing().test(.GET, "/api/v1/carts/\(handle.id)", headers: handle.headers) { response in
            #expect(response.status == .ok)
            cart = try response.content.decode(CartDTO.self)
        }
        return try #require(cart)
    }

    @Test func addChangeAndRemovePricedFromTheCatalogue() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // setup
            let handle = try await CommerceFixtures.createCart(app)
            // MUT: a client that sends its own price is ignored; the catalogue price counts
            let added = try await CommerceFixtures.send(
                app, .POST, "/api/v1/carts/\(handle.id)/items", headers: handle.headers,
                json: ["sku": "SKU-basic-tee", "quantity": 2, "unitPrice": 1])
            #expect(added.0 == .ok)
            try await CommerceFixtures.add(app, handle, sku: "SKU-basic-tee", quantity: 1)
            try await CommerceFixtures.add(app, handle, sku: "SKU-court-sneakers", quantity: 1)
            // validate
            var cart = try await cart(app, handle)
            #expect(cart.items.map(\.sku) == ["SKU-basic-tee", "SKU-court-sneakers"])
            #expect(cart.items.first?.quantity == 3)
            #expect(cart.items.first?.unitPrice.amount == 1_500)
            #expect(cart.totals.subtotal.amount == 3 * 1_500 + 7_500)
            #expect(cart.itemCount == 4)
            // MUT: change and remove
            let changed = try await CommerceFixtures.send(
                app, .PATCH, "/api/v1/carts/\(handle.id)/items/SKU-basic-tee", headers: handle.headers,
                json: ["quantity": 1])
            #expect(changed.0 == .ok)
            let removed = try await CommerceFixtures.send(
                app, .DELETE, "/api/v1/carts/\(handle.id)/items/SKU-court-sneakers", headers: handle.headers)
            #expect(removed.0 == .ok)
            cart = try await self.cart(app, handle)
            #expect(cart.items.map(\.sku) == ["SKU-basic-tee"])
            #expect(cart.totals.total.amount == 1_500)
        }
    }

    @Test func badQuantitiesAndSKUsAreRejectedAndChangeNothing() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            let handle = try await CommerceFixtures.createCart(app)
            try await CommerceFixtures.add(app, handle, sku: "SKU-basic-tee", quantity: 1)
            let path = "/api/v1/carts/\(handle.id)/items"
            // MUT + validate: each bad input is a clear 4xx
            for quantity in [0, -1, 100, 1_000_000_000] {
                let (status, code) = try await CommerceFixtures.add(
                    app, handle, sku: "SKU-basic-tee", quantity: quantity)
                #expect(status == .badRequest, "quantity \(quantity)")
                #expect(code == "invalid_quantity")
            }
            for raw in [
                #"{"sku":"SKU-basic-tee","quantity":1.5}"#, #"{"sku":"SKU-basic-tee","quantity":"two"}"#,
                #"{"sku":"SKU-basic-tee","quantity":1e30}"#, #"{"sku":"SKU-basic-tee"}"#, "not json",
            ] {
                let (status, _) = try await CommerceFixtures.send(
                    app, .POST, path, headers: handle.headers, rawBody: raw)
                #expect(status == .badRequest, "\(raw)")
            }
            let unknown = try await CommerceFixtures.add(app, handle, sku: "NO-SUCH-SKU", quantity: 1)
            #expect(unknown.0 == .unprocessableEntity)
            #expect(unknown.1 == "unknown_sku")
            let tooMany = try await CommerceFixtures.add(app, handle, sku: "SKU-court-sneakers", quantity: 4)
            #expect(tooMany.0 == .conflict)
            #expect(tooMany.1 == "insufficient_stock")
            let missing = try await CommerceFixtures.send(
                app, .DELETE, "/api/v1/carts/\(handle.id)/items/SKU-court-sneakers", headers: handle.headers)
            #expect(missing.1 == "not_in_cart")
            // validate: the cart is exactly as before
            let cart = try await cart(app, handle)
            #expect(cart.items.map(\.sku) == ["SKU-basic-tee"])
            #expect(cart.items.first?.quantity == 1)
        }
    }

    @Test func aCartOpensOnlyWithItsToken() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            let mine = try await CommerceFixtures.createCart(app)
            let theirs = try await CommerceFixtures.createCart(app)
            try await CommerceFixtures.add(app, mine, sku: "SKU-basic-tee", quantity: 1)
            // MUT: someone else's token, no token, a made-up id, a malformed id
            let crossed = try await CommerceFixtures.send(
                app, .GET, "/api/v1/carts/\(mine.id)", headers: theirs.headers)
            let bare = try await CommerceFixtures.send(app, .GET, "/api/v1/carts/\(mine.id)")
            let invented = try await CommerceFixtures.send(app, .GET, "/api/v1/carts/\(UUID())", headers: mine.headers)
            let malformed = try await CommerceFixtures.send(
                app, .GET, "/api/v1/carts/not-a-uuid", headers: mine.headers)
            let tampered = try await CommerceFixtures.add(
                app, .init(id: mine.id, token: mine.token + "x"), sku: "SKU-basic-tee", quantity: 5)
            // validate
            for (status, code) in [crossed, bare, invented, malformed, tampered] {
                #expect(status == .notFound)
                #expect(code == "cart_not_found")
            }
            #expect(try await cart(app, mine).items.first?.quantity == 1)
        }
    }

    @Test func couponsAreCheckedWhenApplied() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // setup
            let now = Date()
            try await Coupon(code: "OLD", kind: .percentage, value: 1_000, endsAt: now.addingTimeInterval(-60))
                .create(on: app.db)
            try await Coupon(code: "SOON", kind: .percentage, value: 1_000, startsAt: now.addingTimeInterval(3_600))
                .create(on: app.db)
            try await Coupon(code: "BIG", kind: .fixed, value: 1_000, currency: "EUR", minimumSubtotal: 10_000)
                .create(on: app.db)
            let gone = Coupon(code: "GONE", kind: .fixed, value: 100, currency: "EUR", usageLimit: 1)
            gone.timesUsed = 1
            try await gone.create(on: app.db)
            let handle = try await CommerceFixtures.createCart(app)
            try await CommerceFixtures.add(app, handle, sku: "SKU-basic-tee", quantity: 2)
            let path = "/api/v1/carts/\(handle.id)/coupon"
            // MUT + validate
            let cases = [
                ("OLD", "coupon_expired"), ("SOON", "coupon_not_yet_valid"), ("BIG", "coupon_below_minimum"),
                ("GONE", "coupon_exhausted"), ("NOPE", "coupon_unknown"),
            ]
            for (code, expected) in cases {
                let (status, error) = try await CommerceFixtures.send(
                    app, .PUT, path, headers: handle.headers, json: ["code": code])
                #expect(status == .unprocessableEntity, "\(code)")
                #expect(error == expected)
            }
            #expect(try await cart(app, handle).couponCode == nil)
            let applied = try await CommerceFixtures.send(
                app, .PUT, path, headers: handle.headers, json: ["code": "welcome10"])
            #expect(applied.0 == .ok)
            let cart = try await cart(app, handle)
            #expect(cart.couponCode == "WELCOME10")
            #expect(cart.totals.discount.amount == 300)
            #expect(cart.totals.total.amount == 2_700)
        }
    }
}
