import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Money can't overflow: every amount a client or staff member sends has a documented maximum,
/// and pricing checks every step, so extreme values end in a 4xx, never in a trapped process.
@Suite(.serialized) struct MoneyBoundsTests {
    static let catalogue = [CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30)]
    static let admin: HTTPHeaders = ["Authorization": "Bearer mk_test-owner-key"]

    @Test func pricingNeverTrapsWhateverTheAmounts() throws {
        // setup: amounts from zero to Int64.max, in a seeded sequence so a failure repeats
        var random = SeededRandom(seed: 20_261_202)
        let extremes: [Int64] = [
            0, 1, Money.maximumAmount, Money.maximumAmount + 1, Int64.max / 99, Int64.max - 1, .max,
        ]
        func amount() -> Int64 {
            random.next() % 3 == 0 ? extremes[Int(random.next() % UInt64(extremes.count))] : Int64(random.next() >> 1)
        }
        for _ in 0..<2_000 {
            let lines = (0..<Int(random.next() % 4)).map { _ in
                OrderPricing.Line(
                    unitPrice: amount(), quantity: Int(random.next() % 100), weightGrams: Int(random.next() >> 2))
            }
            let inclusive = random.next() % 2 == 0
            let rate = Int(random.next() % 10_001)
            // MUT
            do {
                let pricing = try OrderPricing.compute(
                    lines: lines, discount: amount(), shipping: amount(), taxRateBasisPoints: rate,
                    pricesIncludeTax: inclusive)
                // validate: a priced order adds up and stays within what the shop takes
                #expect(pricing.total <= OrderPricing.maximumTotal)
                #expect(pricing.discount <= pricing.subtotal)
                let net = pricing.subtotal - pricing.discount + pricing.shipping
                #expect(pricing.total == (inclusive ? net : net + pricing.tax))
                #expect(pricing.tax >= 0 && pricing.tax <= pricing.total)
            } catch let error as OrderError {
                #expect(error == .amountTooLarge)
            }
            _ = OrderPricing.weight(of: lines)
        }
    }

    @Test func theLargestAmountsStillPriceExactly() throws {
        // MUT: 99 of the dearest item, the dearest shipping, 25 % tax on top
        let pricing = try OrderPricing.compute(
            lines: [.init(unitPrice: Money.maximumAmount, quantity: 99, weightGrams: 1)], discount: 0,
            shipping: Money.maximumAmount, taxRateBasisPoints: 2_500, pricesIncludeTax: false)
        // validate
        #expect(pricing.subtotal == 9_900_000_000_000)
        #expect(pricing.total == 12_500_000_000_000)
    }

    @Test func adminAmountsBeyondTheMaximumAreRefusedAndTheShopKeepsSelling() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // MUT: the amounts that used to crash the next checkout
            let flat = try await CommerceFixtures.send(
                app, .POST, "/api/v1/admin/shipping-methods", headers: Self.admin,
                json: [
                    "code": "gold", "name": "Gold", "zone": "DE", "rateKind": "flat", "flatAmount": Int64.max,
                    "currency": "EUR",
                ])
            let band = try await CommerceFixtures.send(
                app, .POST, "/api/v1/admin/shipping-methods", headers: Self.admin,
                json: [
                    "code": "heavy", "name": "Heavy", "zone": "DE", "rateKind": "weight", "currency": "EUR",
                    "weightBands": [["upToGrams": 1_000, "amount": Money.maximumAmount + 1]],
                ])
            let coupon = try await CommerceFixtures.send(
                app, .POST, "/api/v1/admin/coupons", headers: Self.admin,
                json: ["code": "HUGE", "kind": "fixed", "value": Int64.max, "currency": "EUR"])
            let zone = try await CommerceFixtures.send(
                app, .POST, "/api/v1/admin/shipping-methods", headers: Self.admin,
                json: [
                    "code": "odd", "name": "Odd", "zone": ",,,;;", "rateKind": "flat", "flatAmount": 0,
                    "currency": "EUR",
                ])
            // validate: each refused, naming the field; a checkout still works
            #expect(flat == (.badRequest, "invalid_field"))
            #expect(band == (.badRequest, "invalid_field"))
            #expect(coupon == (.badRequest, "invalid_field"))
            #expect(zone == (.badRequest, "invalid_field"))
            let cart = try await CommerceFixtures.createCart(app)
            try await CommerceFixtures.add(app, cart, sku: "SKU-basic-tee", quantity: 1)
            #expect(try await CommerceFixtures.checkout(app, cart).status == .created)
        }
    }

    @Test func aNumberTooLargeForItsFieldIsOutOfRangeNotInvalidJSON() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // MUT: 2^64 does not fit an Int64; a string where a number belongs; a missing field
            var messages: [String] = []
            for body in [
                #"{"code":"x1","kind":"fixed","value":18446744073709551616,"currency":"EUR"}"#,
                #"{"code":"x1","kind":"fixed","value":"ten","currency":"EUR"}"#, #"{"kind":"fixed","value":1}"#,
                #"[1, 2]"#, #"{"code": "#,
            ] {
                try await app.testing().test(
                    .POST, "/api/v1/admin/coupons", headers: Self.admin.merging(["Content-Type": "application/json"]),
                    body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest)
                    messages.append(
                        (try? response.content.decode(ErrorBody.self).error.message) ?? response.body.string)
                }
            }
            // validate: the field by name, in words a client developer reads, no Swift type names
            #expect(
                messages == [
                    "value is out of range", "value must be a whole number", "code is required",
                    "body must be an object",
                    "the request body is not valid JSON",
                ])
        }
    }
}
