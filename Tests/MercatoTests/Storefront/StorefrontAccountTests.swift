import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Accounts through the storefront's forms: registration, sign-in with the guest cart merged,
/// the account page, sign-out, and password reset through the emailed link.
@Suite(.serialized) struct StorefrontAccountTests {
    typealias Shop = StorefrontTesting
    typealias Journey = ShopJourney

    static let password = "correct horse battery"

    @Test func registerBuyThenSignOutAndInAgainAndTheAccountShowsTheOrder() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            // setup: a guest with something in the cart
            let browser = StorefrontBrowser(app)
            _ = try await Journey.addToCart(browser, quantity: "2")
            let guestToken = try #require(browser.sessionToken)

            // MUT: register
            try await browser.get("/account/register")
            let registered = try await browser.post(
                "/account/register",
                [("name", "Ana Example"), ("email", "Ana@Example.com"), ("password", Self.password)])
            #expect(registered.location == "/account")
            let account = try await browser.follow(registered)

            // validate: signed in under a new session token; the guest token opens nothing now
            #expect(account.text.contains("Ana Example"))
            #expect(account.text.contains("No orders yet."))
            #expect(browser.sessionToken != guestToken)
            let planted = StorefrontBrowser(app)
            planted.cookies[WebSessionCookie.name] = guestToken
            #expect(try await planted.get("/account").text.contains("create an account"))
            // the guest cart came along
            #expect(try await browser.get("/cart").html.contains(#"name="quantity" value="2""#))

            // buy as the customer: checkout is prefilled with the account's email
            let checkout = try await browser.get("/checkout")
            #expect(checkout.html.contains(#"value="ana@example.com""#))
            _ = try await Journey.checkOut(browser)
            let confirmation = try await Journey.pay(browser, card: TestPaymentProvider.Card.succeeds)
            let number = try #require(Journey.orderNumber(in: confirmation))
            #expect(browser.cookies[PlacedOrderCookie.name] == nil, "a customer's orders live in the account")

            // sign out: a fresh anonymous session, the account is closed to this browser
            try await browser.get("/account")
            let signedOut = try await browser.post("/account/logout", [])
            #expect(signedOut.location == "/")
            #expect(try await browser.get("/account").text.contains("Sign in or create an account"))
            #expect(try await browser.get("/account/orders/\(number)").location == "/account/login")

            // sign in again
            try await browser.get("/account/login")
            let wrong = try await browser.post(
                "/account/login", [("email", "ana@example.com"), ("password", "not the password")])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("Email address or password is wrong."))
            let signedIn = try await browser.follow(
                try await browser.post("/account/login", [("email", "ana@example.com"), ("password", Self.password)]))
            #expect(signedIn.text.contains(number))
            #expect(signedIn.text.contains("paid"))
            let order = try await browser.get("/account/orders/\(number)")
            #expect(order.status == .ok)
            #expect(order.text.contains("Order \(number)"))
            #expect(order.text.contains("Status: paid"))
        }
    }

    @Test func savedAddressesCanBeAddedAndDeletedAndBadOnesAreRefused() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            // setup
            let browser = StorefrontBrowser(app)
            try await browser.get("/account/register")
            try await browser.follow(
                try await browser.post(
                    "/account/register", [("name", "Ana"), ("email", "ana@example.com"), ("password", Self.password)]))

            // MUT
            let address = Journey.address.filter { $0.0 != "email" }
            let missingCity = try await browser.post(
                "/account/addresses", address.map { $0.0 == "city" ? ("city", " ") : $0 })
            let saved = try await browser.follow(try await browser.post("/account/addresses", address))

            // validate
            #expect(missingCity.status == .badRequest)
            #expect(missingCity.text.contains("Address.city is required"))
            #expect(saved.text.contains("Hauptstraße 1"))
            #expect(try await CustomerAddress.query(on: app.db).count() == 1)
            let delete = try #require(
                Shop.matches(of: #"action="(/account/addresses/[^"]+/delete)""#, in: saved.html).first)
            let afterDelete = try await browser.follow(try await browser.post(delete, []))
            #expect(!afterDelete.text.contains("Hauptstraße 1"))
            #expect(try await CustomerAddress.query(on: app.db).count() == 0)
        }
    }

    @Test func registrationMistakesAreShownOnTheForm() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            let browser = StorefrontBrowser(app)
            try await browser.get("/account/register")
            let cases: [([(String, String)], HTTPResponseStatus, String)] = [
                (
                    [("name", "Ana"), ("email", "not-an-email"), ("password", Self.password)], .badRequest,
                    "email address"
                ),
                ([("name", "Ana"), ("email", "ana@example.com"), ("password", "short")], .badRequest, "10 to 128"),
                (
                    [("name", " "), ("email", "ana@example.com"), ("password", Self.password)], .badRequest,
                    "name is required"
                ),
            ]
            for (fields, status, message) in cases {
                let page = try await browser.post("/account/register", fields)
                #expect(page.status == status)
                #expect(page.text.contains(message), "\(page.text)")
            }
            #expect(try await Customer.query(on: app.db).count() == 0)
            _ = try await app.customers.register(
                email: "ana@example.com", password: Self.password, name: "Ana")
            let taken = try await browser.post(
                "/account/register", [("name", "Ana"), ("email", "ana@example.com"), ("password", Self.password)])
            #expect(taken.status == .conflict)
            #expect(taken.text.contains("already exists"))
        }
    }

    @Test func tooManyFailedSignInsShowTheThrottleMessage() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            _ = try await app.customers.register(
                email: "ana@example.com", password: Self.password, name: "Ana")
            app.settings.checkout.loginFirstDelaySeconds = 30
            let browser = StorefrontBrowser(app)
            try await browser.get("/account/login")
            for _ in 0..<app.settings.checkout.loginAttemptsPerAccount {
                let wrong = try await browser.post(
                    "/account/login", [("email", "ana@example.com"), ("password", "wrong")])
                #expect(wrong.status == .unauthorized)
            }
            let throttled = try await browser.post(
                "/account/login", [("email", "ana@example.com"), ("password", Self.password)])
            #expect(throttled.status == .tooManyRequests)
            // The first delay is capped by the longest (30 s by default).
            #expect(throttled.text.contains("Too many failed sign-ins. Try again in"))
            #expect(throttled.text.contains(" seconds."))
            #expect(throttled.headers.first(name: "Retry-After") != nil)
            #expect(try await browser.get("/account").text.contains("create an account"))
        }
    }

    @Test func passwordResetThroughTheEmailedLinkWorksOnce() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            // setup
            _ = try await app.customers.register(
                email: "ana@example.com", password: Self.password, name: "Ana")
            let browser = StorefrontBrowser(app)
            try await browser.get("/account/password-reset")

            // MUT: ask for a link
            let badEmail = try await browser.post("/account/password-reset", [("email", "ana")])
            #expect(badEmail.status == .badRequest)
            let asked = try await browser.follow(
                try await browser.post("/account/password-reset", [("email", "ana@example.com")]))
            #expect(asked.text.contains("a reset link is on its way"))

            // the emailed link
            let payload = try #require(try await CommerceFixtures.queuedJobs(app, kind: .sendEmail).first)
            let link = try #require(Shop.matches(of: #"(/account/password-reset/[A-Za-z0-9_-]+)"#, in: payload).first)
            let form = try await browser.get(link)
            #expect(form.text.contains("Choose a new password"))
            #expect(form.headers.first(name: "Referrer-Policy") == "no-referrer")
            let weak = try await browser.post(link, [("password", "short")])
            #expect(weak.status == .badRequest)
            let changed = try await browser.post(link, [("password", "a brand new password")])
            #expect(changed.location == "/account/login?reset=1")
            let login = try await browser.follow(changed)
            #expect(login.text.contains("Your password has been changed"))

            // validate: the link is spent, a made-up one never worked, the new password signs in
            try await browser.get(link)
            let reused = try await browser.post(link, [("password", "yet another password")])
            #expect(reused.status == .badRequest)
            #expect(reused.text.contains("invalid, expired or already used"))
            try await browser.get("/account/password-reset/made-up-token")
            let wrong = try await browser.post(
                "/account/password-reset/made-up-token", [("password", "yet another one!")])
            #expect(wrong.status == .badRequest)
            try await browser.get("/account/login")
            let old = try await browser.post(
                "/account/login", [("email", "ana@example.com"), ("password", Self.password)])
            #expect(old.status == .unauthorized)
            let signedIn = try await browser.follow(
                try await browser.post(
                    "/account/login", [("email", "ana@example.com"), ("password", "a brand new password")]))
            #expect(signedIn.text.contains("Ana"))
            #expect(signedIn.text.contains("Sign out"))
        }
    }
}
