import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Stock through the Admin API, as a member of staff uses it: corrections with a reason, the
/// variant's ledger, thresholds and the low-stock list, and restock with a refund.
@Suite(.serialized) struct InventoryAdminAPITests {
    static let catalogue = [
        CatalogFixtures.product("Court Sneakers", category: "sneakers", price: 7_500, stock: 5),
        CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30),
    ]
    static var sneakers: UUID { catalogue[0].variants[0].id }
    static var tee: UUID { catalogue[1].variants[0].id }
    static let key = TestSupport.ownerKey

    @Test func staffCorrectStockWithAReasonAndTheLedgerSaysWhoAndWhy() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            // setup
            let clerk = try await StaffFixtures.member(app, email: "clerk@example.com", role: "fulfilment")
            let path = "/api/v1/admin/inventory/\(Self.sneakers)"
            // MUT: a delivery of 7, then a count that finds 10
            let (received, delivery) = try await StaffFixtures.call(
                app, .POST, path + "/adjustments", token: clerk, json: ["delta": 7, "reason": "received"])
            let (counted, count) = try await StaffFixtures.call(
                app, .POST, path + "/adjustments", token: clerk,
                json: ["onHand": 10, "reason": "count_correction", "note": "shelf B3 recount"])
            // validate: each answer shows the level and its row
            #expect(received == .created)
            #expect((delivery["level"] as? [String: Any])?["onHand"] as? Int == 12)
            #expect((delivery["level"] as? [String: Any])?["sku"] as? String == "SKU-court-sneakers")
            #expect(counted == .created)
            let row = try #require(count["movement"] as? [String: Any])
            #expect(row["deltaOnHand"] as? Int == -2)
            #expect(row["actor"] as? String == "staff:clerk@example.com")
            #expect(row["note"] as? String == "shelf B3 recount")
            let (_, history) = try await StaffFixtures.call(app, .GET, path + "/movements?limit=2", token: clerk)
            let items = try #require(history["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["reason"] as? String } == ["count_correction", "received"])
            let next = try #require(history["next"] as? String)
            let (_, older) = try await StaffFixtures.call(app, .GET, path + "/movements?before=\(next)", token: clerk)
            #expect((older["items"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } == ["opening"])
            #expect(older["next"] == nil)
        }
    }

    @Test func badCorrectionsNameTheFieldAndChangeNothing() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            // setup: two pairs held by an order
            try await app.inventory.reserve(
                [StockLine(variantID: Self.sneakers, quantity: 2)], StockChange(.checkoutReserved, actor: "customer")
            ).assertReserved()
            let path = "/api/v1/admin/inventory/\(Self.sneakers)/adjustments"
            let cases: [([String: Any], HTTPStatus, String)] = [
                (["delta": 1, "reason": "sold"], .badRequest, "reason"),
                (["delta": 1, "onHand": 3, "reason": "received"], .badRequest, "delta"),
                (["reason": "received"], .badRequest, "delta"),
                (["delta": 0, "reason": "received"], .badRequest, "delta"),
                (["onHand": -1, "reason": "count_correction"], .badRequest, "onHand"),
                (["delta": 2_000_000_000, "reason": "received"], .badRequest, "delta"),
                (["delta": -1, "reason": "other"], .badRequest, "note"),
                (["delta": 1, "reason": "damaged", "note": String(repeating: "n", count: 501)], .badRequest, "note"),
                (["onHand": 1, "reason": "count_correction"], .conflict, "2 held by open orders"),
            ]
            // MUT + validate
            for (body, status, named) in cases {
                let (answer, json) = try await StaffFixtures.call(app, .POST, path, token: Self.key, json: body)
                #expect(answer == status, "\(body)")
                let reason = (json["error"] as? [String: Any])?["message"] as? String ?? "\(json)"
                #expect(reason.contains(named), "\(body): \(reason)")
            }
            let (unknown, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/inventory/\(UUID())/adjustments", token: Self.key,
                json: ["delta": 1, "reason": "received"])
            #expect(unknown == .notFound)
            let level = try await app.inventory.level(of: Self.sneakers)
            #expect((level.onHand, level.reserved) == (5, 2))
            #expect(try await app.inventory.movements(of: Self.sneakers, before: nil, limit: 10).count == 2)
        }
    }

    @Test func aRetriedCorrectionWithTheSameIdempotencyKeyMovesStockOnce() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            // setup
            let path = "/api/v1/admin/inventory/\(Self.tee)/adjustments"
            let body: [String: Any] = ["delta": 5, "reason": "received"]
            let once: HTTPHeaders = ["Idempotency-Key": "delivery-2026-12-03-77"]
            // MUT: the same delivery booked three times, two of them at once
            let (first, original) = try await StaffFixtures.call(
                app, .POST, path, token: Self.key, json: body, headers: once)
            let retries = try await withThrowingTaskGroup(of: (HTTPStatus, Int?).self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let (status, json) = try await StaffFixtures.call(
                            app, .POST, path, token: Self.key, json: ["delta": 5, "reason": "received"], headers: once)
                        return (status, (json["movement"] as? [String: Any])?["id"] as? Int)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // validate: one movement; the retries get it back
            #expect(first == .created)
            #expect(retries.map(\.0) == [.ok, .ok])
            let id = (original["movement"] as? [String: Any])?["id"] as? Int
            #expect(retries.map(\.1) == [id, id])
            #expect(try await app.inventory.level(of: Self.tee).onHand == 35)
            // the key can't be spent on another variant, and a malformed key is refused
            let (reused, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/inventory/\(Self.sneakers)/adjustments", token: Self.key, json: body,
                headers: once)
            #expect(reused == .unprocessableEntity)
            let (otherReason, answer) = try await StaffFixtures.call(
                app, .POST, path, token: Self.key, json: ["delta": 5, "reason": "returned"], headers: once)
            #expect(otherReason == .unprocessableEntity)
            #expect(StaffFixtures.errorCode(answer) == "idempotency_key_reused")
            let (malformed, json) = try await StaffFixtures.call(
                app, .POST, path, token: Self.key, json: body, headers: ["Idempotency-Key": "two words"])
            #expect(malformed == .badRequest)
            #expect(StaffFixtures.errorCode(json) == "invalid_parameter")
            #expect(try await app.inventory.level(of: Self.tee).onHand == 35)
        }
    }

    @Test func aThresholdPutsAVariantOnTheLowStockListEmptiestFirst() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            // setup: thresholds of 6 on both; the sneakers have 5, the tees 30
            for variant in [Self.sneakers, Self.tee] {
                let (status, _) = try await StaffFixtures.call(
                    app, .PUT, "/api/v1/admin/inventory/\(variant)/low-stock-threshold", token: Self.key,
                    json: ["threshold": 6])
                #expect(status == .ok)
            }
            // MUT: the tees fall to 6 (damaged)
            try await app.inventory.adjust(Self.tee, by: -24, StockChange(.damaged, actor: "staff:x@y.io"))
            let (_, list) = try await StaffFixtures.call(
                app, .GET, "/api/v1/admin/inventory/low-stock", token: Self.key)
            // validate: both, emptiest first, flagged
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["sku"] as? String } == ["SKU-court-sneakers", "SKU-basic-tee"])
            #expect(items.allSatisfy { $0["lowStock"] as? Bool == true })
            // a page of one continues with the next
            let (_, page) = try await StaffFixtures.call(
                app, .GET, "/api/v1/admin/inventory/low-stock?limit=1", token: Self.key)
            let next = try #require(page["next"] as? String)
            let (_, rest) = try await StaffFixtures.call(
                app, .GET, "/api/v1/admin/inventory/low-stock?limit=1&after=\(next)", token: Self.key)
            #expect((rest["items"] as? [[String: Any]])?.compactMap { $0["sku"] as? String } == ["SKU-basic-tee"])
            // clearing the threshold takes a variant off; a negative one is refused
            let (cleared, shown) = try await StaffFixtures.call(
                app, .PUT, "/api/v1/admin/inventory/\(Self.tee)/low-stock-threshold", token: Self.key,
                json: ["threshold": NSNull()])
            #expect(cleared == .ok)
            #expect(shown["lowStockThreshold"] == nil)
            let (negative, _) = try await StaffFixtures.call(
                app, .PUT, "/api/v1/admin/inventory/\(Self.tee)/low-stock-threshold", token: Self.key,
                json: ["threshold": -1])
            #expect(negative == .badRequest)
            let (_, after) = try await StaffFixtures.call(
                app, .GET, "/api/v1/admin/inventory/low-stock", token: Self.key)
            #expect((after["items"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func aRefundCanPutTheGoodsBackOnTheShelfOnce() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // setup: a paid order for two pairs
            let cart = try await CommerceFixtures.createCart(app)
            try await CommerceFixtures.add(app, cart, sku: "SKU-court-sneakers", quantity: 2)
            let order = try #require(try await CommerceFixtures.checkout(app, cart).order)
            _ = try await CommerceFixtures.pay(app, order)
            let path = "/api/v1/admin/orders/\(order.id)/refunds"
            let pair = ["variantId": Self.sneakers.uuidString, "quantity": 1] as [String: Any]
            // MUT: three pairs back is refused before any money moves; then 50 € with one pair back
            let (tooMany, refused) = try await StaffFixtures.call(
                app, .POST, path, token: Self.key,
                json: ["amount": 5_000, "restock": [["variantId": Self.sneakers.uuidString, "quantity": 3]]])
            let (partial, _) = try await StaffFixtures.call(
                app, .POST, path, token: Self.key, json: ["amount": 5_000, "restock": [pair]])
            // validate
            #expect(tooMany == .conflict)
            #expect(StaffFixtures.errorCode(refused) == "restock_too_large")
            #expect(partial == .ok)
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (4, 0))
            let stored = try #require(try await Order.find(order.id, on: app.db))
            #expect(stored.amountRefunded == 5_000)
            let rows = try await app.inventory.movements(of: Self.sneakers, before: nil, limit: 10)
            let restocked = try #require(rows.first)
            #expect(restocked.reason == .refundRestock)
            #expect(restocked.orderID == order.id)
            #expect(restocked.actor == "api-key:tests")
            #expect(try await app.inventory.verifyLedger() == [])
        }
    }
}
