import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// A guest buying through plain HTML forms: product page, cart, checkout, payment, confirmation.
@Suite(.serialized) struct StorefrontCheckoutTests {
    typealias Shop = StorefrontTesting
    typealias Journey = ShopJourney

    static let courtSKU = "SKU-court-sneakers-41"

    @Test func guestBuysThroughFormsOnlyAndSeesTheOrderPaid() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            // setup
            let browser = StorefrontBrowser(app)

            // MUT: product page → add two → cart
            let added = try await Journey.addToCart(browser, quantity: "2")
            #expect(added.status == .seeOther)
            #expect(added.location == "/cart")
            let cart = try await browser.follow(added)
            #expect(cart.status == .ok)
            #expect(cart.text.contains("Court Sneakers"))
            #expect(cart.html.contains(#"name="quantity" value="2""#))
            #expect(cart.text.contains("€150.00"))
            #expect(cart.cacheControl == "private, no-store")

            // checkout: address, then the methods that ship to DE, then place the order
            try await browser.get("/checkout")
            let shipping = try await browser.post("/checkout", [("step", "address")] + Journey.address)
            #expect(shipping.text.contains("Standard (3–5 days)"))
            #expect(shipping.text.contains("Express (next day)"))
            let placed = try await browser.post(
                "/checkout", [("step", "place"), ("shippingMethod", "standard")] + Journey.address)
            #expect(placed.status == .seeOther)
            let payment = try await browser.follow(placed)
            #expect(payment.status == .ok)
            for card in [
                TestPaymentProvider.Card.succeeds, TestPaymentProvider.Card.declines,
                TestPaymentProvider.Card.requiresAuthentication,
            ] {
                #expect(payment.text.contains(card), "the payment page shows the test card \(card)")
            }
            #expect(try await CommerceFixtures.stock(app, sku: Self.courtSKU) == (onHand: 3, reserved: 2))

            let confirmation = try await Journey.pay(browser, card: TestPaymentProvider.Card.succeeds)

            // validate
            #expect(confirmation.status == .ok)
            let number = try #require(Journey.orderNumber(in: confirmation))
            #expect(confirmation.text.contains("Status: paid"))
            #expect(confirmation.text.contains("Court Sneakers"))
            #expect(confirmation.text.contains("Ana Example"))
            #expect(confirmation.cacheControl == "private, no-store")
            let order = try #require(try await Order.query(on: app.db).filter(\.$number == number).first())
            #expect(order.status == .paid)
            #expect(order.customerID == nil)
            #expect(try await CommerceFixtures.stock(app, sku: Self.courtSKU) == (onHand: 1, reserved: 0))
            // The cart was checked out: it's empty now.
            #expect(try await browser.get("/cart").text.contains("Your cart is empty"))
            // The emailed link (to the account's order page) opens it in this browser; another
            // browser can't see the order.
            let emailed = try await browser.get("/account/orders/\(number)")
            #expect(emailed.location == "/orders/\(number)")
            #expect(browser.cookies[PlacedOrderCookie.name] != nil)
            let stranger = StorefrontBrowser(app)
            #expect(try await stranger.get("/orders/\(number)").status == .notFound)
            #expect(try await stranger.get("/account/orders/\(number)").location == "/account/login")
            _ = try await app.customers.register(
                email: "ana@example.com", password: "correct horse battery", name: "Ana")
            try await browser.get("/account/login")
            try await browser.post(
                "/account/login", [("email", "ana@example.com"), ("password", "correct horse battery")])
            try await browser.get("/account")
            let signedOut = try await browser.post("/account/logout", [])
            #expect(signedOut.status == .seeOther, "\(signedOut.text) \(signedOut.setCookies)")
            #expect(browser.cookies[PlacedOrderCookie.name] == nil)
            #expect(try await browser.get("/orders/\(number)").status == .notFound)
        }
    }

    @Test func aDeclinedCardIsShownOnThePageAndASecondCardPays() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            // setup
            let browser = StorefrontBrowser(app)
            _ = try await Journey.addToCart(browser)
            _ = try await Journey.checkOut(browser)

            // MUT
            let declined = try await Journey.pay(browser, card: TestPaymentProvider.Card.declines)

            // validate
            #expect(declined.status == .paymentRequired)
            #expect(declined.text.contains("Your card was declined."))
            let order = try #require(try await Order.query(on: app.db).first())
            #expect(order.status == .pendingPayment)
            #expect(try await CommerceFixtures.stock(app, sku: Self.courtSKU) == (onHand: 3, reserved: 1))

            let again = try await browser.get(try #require(browser.currentPath))
            #expect(again.text.contains("Pay for order \(order.number)"))
            let paid = try await Journey.pay(browser, card: TestPaymentProvider.Card.succeeds)
            #expect(paid.text.contains("Status: paid"))
            #expect(try await CommerceFixtures.stock(app, sku: Self.courtSKU) == (onHand: 2, reserved: 0))
        }
    }

    @Test func aCardAskingForAuthenticationGoesThroughTheAuthenticationPage() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            // setup
            let browser = StorefrontBrowser(app)
            _ = try await Journey.addToCart(browser)
            let payPage = try await Journey.checkOut(browser)
            let payPath = try #require(browser.currentPath)
            #expect(payPage.status == .ok)

            // MUT: the card asks for authentication; fail it first, then approve
            let submitted = try await browser.post(payPath, [("card", TestPaymentProvider.Card.requiresAuthentication)])
            let authenticationPath = try #require(submitted.location)
            #expect(authenticationPath.hasPrefix("/checkout/authenticate/tp_"))
            let authentication = try await browser.get(authenticationPath)
            #expect(authentication.text.contains("Approve"))
            #expect(authentication.text.contains("Fail"))
            let failed = try await browser.follow(try await browser.post(authenticationPath, [("outcome", "fail")]))
            #expect(failed.text.contains("Authentication failed."))
            #expect(browser.currentPath == payPath)

            try await browser.post(payPath, [("card", TestPaymentProvider.Card.requiresAuthentication)])
            try await browser.get(authenticationPath)
            let approved = try await browser.post(authenticationPath, [("outcome", "approve")])
            #expect(approved.location?.hasPrefix("/checkout/return/") == true)
            let confirmation = try await browser.follow(approved)

            // validate
            #expect(confirmation.status == .ok)
            #expect(confirmation.text.contains("Status: paid"))
            let order = try #require(try await Order.query(on: app.db).first())
            #expect(order.status == .paid)
            // A stranger can't open the authentication page of someone else's payment.
            #expect(try await StorefrontBrowser(app).get(authenticationPath).status == .notFound)
        }
    }

    @Test func aStorefrontOnlyProcessSellsThroughTheSharedDatabase() async throws {
        try await TestSupport.withApp(try TestSupport.settings(), role: .storefront, migrate: false) { app in
            // setup
            try await app.autoRevert()
            try await app.autoMigrate()
            try await CatalogFixtures.insert(Shop.catalogue, into: app)
            _ = try await DemoCommerceSeeder(database: app.db).run()
            let browser = StorefrontBrowser(app)

            // MUT
            _ = try await Journey.addToCart(browser)
            _ = try await Journey.checkOut(browser)
            let confirmation = try await Journey.pay(browser, card: TestPaymentProvider.Card.succeeds)

            // validate
            #expect(confirmation.text.contains("Status: paid"))
            #expect(try await browser.get("/api/v1/payments/config").status == .notFound, "no Store API here")
        }
    }
}
