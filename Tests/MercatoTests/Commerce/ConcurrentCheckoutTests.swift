import AsyncHTTPClient
import Fluent
import Foundation
import NIOCore
import SQLKit
import Testing
import Vapor

@testable import Mercato

/// No overselling and no coupon over-redemption, however many checkouts race, from however many
/// instances: two real servers on one PostgreSQL database, hit concurrently over HTTP.
@Suite(.serialized, .enabled(if: TestServices.postgresEnabled)) struct ConcurrentCheckoutTests {
    static let catalogue = [CatalogFixtures.product("Limited Sneakers", category: "sneakers", price: 7_500, stock: 10)]

    /// Runs `body` with the base URLs of two running instances sharing one database.
    private func withTwoInstances(_ body: ([String]) async throws -> Void) async throws {
        try await CommerceFixtures.withShop(on: .postgres, Self.catalogue) { first in
            try await TestSupport.withApp(first.settings, migrate: false) { second in
                var urls: [String] = []
                for app in [first, second] {
                    app.http.server.configuration.hostname = "127.0.0.1"
                    app.http.server.configuration.port = 0
                    try await app.server.start()
                    urls.append("http://127.0.0.1:\(try #require(app.http.server.shared.localAddress?.port))")
                }
                do {
                    try await body(urls)
                } catch {
                    for app in [first, second] { await app.server.shutdown() }
                    throw error
                }
                for app in [first, second] { await app.server.shutdown() }
            }
        }
    }

    private func call(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], json: [String: Any]? = nil
    ) async throws -> (status: Int, body: [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: json))))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), object)
    }

    private func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    /// A cart with one pair, made through `base`; optionally with a coupon applied.
    private func cart(at base: String, coupon: String? = nil) async throws -> (id: String, token: String) {
        let created = try await call(.POST, base + "/api/v1/carts")
        let id = try #require(created.body["id"] as? String)
        let token = try #require(created.body["token"] as? String)
        let added = try await call(
            .POST, base + "/api/v1/carts/\(id)/items", headers: [("X-Cart-Token", token)],
            json: ["sku": "SKU-limited-sneakers", "quantity": 1])
        #expect(added.status == 200)
        if let coupon {
            let applied = try await call(
                .PUT, base + "/api/v1/carts/\(id)/coupon", headers: [("X-Cart-Token", token)], json: ["code": coupon])
            #expect(applied.status == 200)
        }
        return (id, token)
    }

    private func checkout(at base: String, _ cart: (id: String, token: String), email: String) async throws -> (
        Int, String?
    ) {
        let result = try await call(
            .POST, base + "/api/v1/checkout", headers: [("X-Cart-Token", cart.token)],
            json: [
                "cartId": cart.id, "email": email, "shippingMethod": "standard",
                "shippingAddress": [
                    "name": "Ana", "line1": "Hauptstraße 1", "city": "Berlin", "postalCode": "10115", "country": "DE",
                ],
            ])
        return (result.status, code(result.body))
    }

    @Test func fiftyCheckoutsForTenPairsSellExactlyTen() async throws {
        try await withTwoInstances { urls in
            // setup: 50 carts, one pair each, made on alternating instances
            var carts: [(base: String, cart: (id: String, token: String))] = []
            for index in 0..<50 {
                let base = urls[index % 2]
                carts.append((base, try await cart(at: base)))
            }
            // MUT: all 50 check out at once, half on each instance
            let outcomes = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for (index, entry) in carts.enumerated() {
                    group.addTask { try await checkout(at: entry.base, entry.cart, email: "buyer\(index)@example.com") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // validate
            #expect(outcomes.filter { $0.0 == 201 }.count == 10)
            #expect(outcomes.filter { $0 == (409, "out_of_stock") }.count == 40)
            let settings = try await DatabaseBackend.postgres.settings(suite: #fileID)
            try await TestSupport.withApp(settings, migrate: false) { app in
                let stock = try await CommerceFixtures.stock(app, sku: "SKU-limited-sneakers")
                let orders = try await Order.query(on: app.db).count()
                #expect(stock == (10, 10))
                #expect(orders == 10)
                // the ledger holds each of the ten reservations and replays to the levels
                #expect(try await app.inventory.verifyLedger() == [])
                let held = try await app.inventory.movements(
                    of: try #require(Variant.query(on: app.db).filter(\.$sku == "SKU-limited-sneakers").first())
                        .requireID(),
                    before: nil, limit: 50)
                #expect(held.filter { $0.reason == .checkoutReserved }.count == 10)
            }
        }
    }

    @Test func couponLimitsHoldUnderConcurrentRedemption() async throws {
        try await withTwoInstances { urls in
            // setup: a coupon that may be used 3 times in total, and once per customer
            let settings = try await DatabaseBackend.postgres.settings(suite: #fileID)
            try await TestSupport.withApp(settings, migrate: false) { app in
                try await Coupon(code: "THREE", kind: .percentage, value: 1_000, usageLimit: 3).create(on: app.db)
                try await Coupon(code: "ONCE", kind: .percentage, value: 500, perCustomerLimit: 1).create(on: app.db)
            }
            var total: [(String, (id: String, token: String))] = []
            for index in 0..<8 { total.append((urls[index % 2], try await cart(at: urls[index % 2], coupon: "THREE"))) }
            // MUT: 8 customers race for 3 uses
            let outcomes = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for (index, entry) in total.enumerated() {
                    group.addTask { try await checkout(at: entry.0, entry.1, email: "c\(index)@example.com") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // validate
            #expect(outcomes.filter { $0.0 == 201 }.count == 3)
            #expect(outcomes.filter { $0.1 == "coupon_exhausted" }.count == 5)
            // setup: one customer, four carts with the once-per-customer coupon
            var mine: [(String, (id: String, token: String))] = []
            for index in 0..<4 { mine.append((urls[index % 2], try await cart(at: urls[index % 2], coupon: "ONCE"))) }
            // MUT
            let repeated = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for entry in mine {
                    group.addTask { try await checkout(at: entry.0, entry.1, email: "same@example.com") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // validate
            #expect(repeated.filter { $0.0 == 201 }.count == 1)
            #expect(repeated.filter { $0.1 == "coupon_already_used" }.count == 3)
        }
    }
}
