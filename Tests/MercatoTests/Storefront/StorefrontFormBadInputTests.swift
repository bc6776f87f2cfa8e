import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Every storefront form answers a mistake with the message on the page and a 4xx, and changes
/// nothing: no cart line, no stock, no order.
@Suite(.serialized) struct StorefrontFormBadInputTests {
    typealias Shop = StorefrontTesting
    typealias Journey = ShopJourney

    static let sku = "SKU-court-sneakers-41"

    @Test(arguments: ["-1", "0", "abc", "2.5", "", "100", "99999999999999999999999"])
    func badQuantitiesFromTheProductPageAreRefused(_ quantity: String) async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            // MUT
            let page = try await Journey.addToCart(StorefrontBrowser(app), quantity: quantity)

            // validate
            #expect(page.status == .badRequest)
            #expect(page.text.contains("Quantity must be a whole number from 1 to 99"))
            #expect(page.text.contains("Your cart is empty"))
            #expect(try await Cart.query(on: app.db).count() == 0)
            #expect(try await CustomerSession.query(on: app.db).count() == 0)
        }
    }

    @Test func unknownSKUsAndMoreThanTheStockAreRefused() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            let browser = StorefrontBrowser(app)
            let unknown = try await browser.post(
                "/cart/items", [("sku", "NO-SUCH-SKU"), ("quantity", "1")], includeCSRF: false)
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.text.contains("No product is for sale with SKU 'NO-SUCH-SKU'."))
            #expect(try await Cart.query(on: app.db).count() == 0)

            let soldOut = try await browser.post(
                "/cart/items", [("sku", "SKU-court-sneakers-42"), ("quantity", "1")], includeCSRF: false)
            #expect(soldOut.status == .conflict)
            #expect(soldOut.text.contains("out of stock"))

            _ = try await Journey.addToCart(browser, quantity: "2")
            let tooMany = try await Journey.addToCart(browser, quantity: "2")
            #expect(tooMany.status == .conflict)
            #expect(tooMany.text.contains("Only 3 of SKU '\(Self.sku)' left in stock."))
            let cart = try await browser.get("/cart")
            #expect(cart.html.contains(#"name="quantity" value="2""#))

            for quantity in ["-3", "many", "4"] {
                try await browser.get("/cart")
                let update = try await browser.post("/cart/update", [("sku", Self.sku), ("quantity", quantity)])
                #expect(update.status.code >= 400 && update.status.code < 500)
                #expect(update.html.contains("form-error"))
            }
            #expect(try await browser.get("/cart").html.contains(#"name="quantity" value="2""#))
            let notInCart = try await browser.post("/cart/remove", [("sku", "SKU-basic-tee-M")])
            #expect(notInCart.status == .notFound)
            #expect(notInCart.text.contains("is not in the cart"))

            // zero removes the line
            try await browser.get("/cart")
            let emptied = try await browser.follow(
                try await browser.post("/cart/update", [("sku", Self.sku), ("quantity", "0")]))
            #expect(emptied.text.contains("Your cart is empty"))
        }
    }

    @Test func couponProblemsAreShownInline() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            // setup
            try await Coupon(code: "OLD", kind: .percentage, value: 1_000, endsAt: Date().addingTimeInterval(-60))
                .create(on: app.db)
            let used = Coupon(code: "GONE", kind: .percentage, value: 1_000, usageLimit: 1)
            used.timesUsed = 1
            try await used.create(on: app.db)
            try await Coupon(code: "BIGSPEND", kind: .fixed, value: 1_000, currency: "EUR", minimumSubtotal: 50_000)
                .create(on: app.db)
            let browser = StorefrontBrowser(app)
            _ = try await Journey.addToCart(browser)

            // MUT / validate
            for (code, message) in [
                ("NOPE", "There is no coupon 'NOPE'."), ("OLD", "Coupon 'OLD' has expired."),
                ("GONE", "Coupon 'GONE' has been used up."), ("BIGSPEND", "needs a subtotal of at least €500.00"),
            ] {
                try await browser.get("/cart")
                let page = try await browser.post("/cart/coupon", [("code", code)])
                #expect(page.status.code >= 400 && page.status.code < 500, "\(code)")
                #expect(page.text.contains(message), "\(code): \(page.text)")
            }
            try await browser.get("/cart")
            let applied = try await browser.follow(try await browser.post("/cart/coupon", [("code", "welcome10")]))
            #expect(applied.text.contains("Coupon WELCOME10 applied."))
            #expect(applied.text.contains("Discount −€7.50"))
            let removed = try await browser.follow(try await browser.post("/cart/coupon/remove", []))
            #expect(!removed.text.contains("Discount"))
        }
    }

    @Test func checkoutMistakesAreShownOnTheFormAndPlaceNoOrder() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            // setup
            let browser = StorefrontBrowser(app)
            #expect(try await browser.get("/checkout").location == "/cart", "an empty cart has nothing to check out")
            _ = try await Journey.addToCart(browser)
            try await browser.get("/checkout")
            func with(_ name: String, _ value: String) -> [(String, String)] {
                Journey.address.map { $0.0 == name ? (name, value) : $0 }
            }

            // MUT / validate
            for (fields, message) in [
                (with("email", "ana@"), "Email must be an email address"),
                (with("city", ""), "Address.city is required"),
                (with("name", "  "), "Address.name is required"),
                (with("country", "Germany"), "Address.country must be a two-letter ISO country code"),
            ] {
                let page = try await browser.post("/checkout", [("step", "address")] + fields)
                #expect(page.status == .badRequest)
                #expect(page.text.contains(message), "\(page.text)")
                #expect(page.html.contains("Continue to shipping"), "the address form is shown again")
            }
            let unknownMethod = try await browser.post(
                "/checkout", [("step", "place"), ("shippingMethod", "teleport")] + Journey.address)
            #expect(unknownMethod.status == .unprocessableEntity)
            #expect(unknownMethod.text.contains("There is no shipping method 'teleport'."))
            let wrongZone = try await browser.post(
                "/checkout", [("step", "place"), ("shippingMethod", "express")] + with("country", "US"))
            #expect(wrongZone.status == .unprocessableEntity)
            #expect(wrongZone.text.contains("doesn't deliver this order to US"))
            #expect(try await Order.query(on: app.db).count() == 0)
            #expect(try await CommerceFixtures.stock(app, sku: Self.sku) == (onHand: 3, reserved: 0))
        }
    }

    @Test func badCardNumbersAndOtherPeoplesOrdersAreRefused() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            let browser = StorefrontBrowser(app)
            _ = try await Journey.addToCart(browser)
            _ = try await Journey.checkOut(browser)
            let payPath = try #require(browser.currentPath)
            let notACard = try await browser.post(payPath, [("card", "abc")])
            #expect(notACard.status == .badRequest)
            #expect(notACard.text.contains("card must be a card number of 12 to 19 digits"))
            let unknownCard = try await browser.post(payPath, [("card", "4111 1111 1111 1111")])
            #expect(unknownCard.status == .paymentRequired)
            #expect(unknownCard.text.contains("Unknown test card."))
            #expect(try await Order.query(on: app.db).first()?.status == .pendingPayment)

            // a stranger can neither see nor pay it
            let stranger = StorefrontBrowser(app)
            #expect(try await stranger.get(payPath).status == .notFound)
            try await stranger.get("/account/login")
            let paid = try await stranger.post(payPath, [("card", TestPaymentProvider.Card.succeeds)])
            #expect(paid.status == .notFound)
            #expect(try await Order.query(on: app.db).first()?.status == .pendingPayment)
        }
    }
}
