import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// The storefront's session cookie, its CSRF protection, and the promise that publicly cached
/// pages carry nothing of any one visitor.
@Suite(.serialized) struct StorefrontSessionTests {
    typealias Shop = StorefrontTesting
    typealias Journey = ShopJourney

    static func sessionCookie(_ page: StorefrontBrowser.Page) -> String? {
        page.setCookies.first { $0.hasPrefix("\(WebSessionCookie.name)=") }
    }

    @Test func theSessionCookieIsHttpOnlyLaxAndSecureOutsideDevelopment() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            // MUT: the first page with a form opens the session
            var settings = app.settings
            settings.environment = .production
            app.settings = settings
            let production = try #require(Self.sessionCookie(try await StorefrontBrowser(app).get("/account/login")))
            settings.environment = .development
            app.settings = settings
            let development = try #require(Self.sessionCookie(try await StorefrontBrowser(app).get("/account/login")))

            // validate
            let attributes = Set(
                production.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(attributes.contains("HttpOnly"))
            #expect(attributes.contains("SameSite=Lax"))
            #expect(attributes.contains("Path=/"))
            #expect(attributes.contains("Secure"))
            #expect(attributes.contains("Max-Age=\(app.settings.checkout.sessionDays * 86_400)"))
            #expect(development.contains("HttpOnly"))
            #expect(!development.contains("Secure"))
            // Stored in the database, under the token's hash.
            let token = try #require(production.split(separator: ";")[0].split(separator: "=").last)
            let stored = try #require(try await CustomerSession.find(SecretToken.hash(String(token)), on: app.db))
            #expect(stored.kind == .web)
        }
    }

    @Test func browsingTheCatalogueOpensNoSession() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            let browser = StorefrontBrowser(app)
            for path in ["/", "/c/shoes", "/p/court-sneakers", "/search?q=boots", "/cart", "/account"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(Self.sessionCookie(page) == nil, "\(path) must not open a session")
            }
            #expect(try await CustomerSession.query(on: app.db).count() == 0)
        }
    }

    @Test func aPostWithoutTheFormTokenIs403AndChangesNothing() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            // setup: a cart with one pair
            let browser = StorefrontBrowser(app)
            _ = try await Journey.addToCart(browser)
            let cart = try await browser.get("/cart")
            let sku = "SKU-court-sneakers-41"

            // MUT
            let tokenless = try await browser.post(
                "/cart/update", [("sku", sku), ("quantity", "3")], includeCSRF: false)
            let forged = try await browser.post("/cart/remove", [("sku", sku)], csrf: "forged")
            let checkout = try await browser.post(
                "/checkout", [("step", "place"), ("shippingMethod", "standard")] + Journey.address, includeCSRF: false)
            let logout = try await browser.post("/account/logout", [], includeCSRF: false)
            // another site's form posting into the visitor's cart
            let crossSite = try await browser.post(
                "/cart/items", [("sku", sku), ("quantity", "1")], includeCSRF: false,
                headers: ["Origin": "https://evil.example"])
            let noOrigin = try await browser.post(
                "/cart/items", [("sku", sku), ("quantity", "1")], includeCSRF: false, headers: ["Origin": "null"])

            // validate
            for page in [tokenless, forged, checkout, logout, crossSite, noOrigin] {
                #expect(page.status == .forbidden)
                #expect(page.text.contains("The form expired or didn't come from this shop."))
            }
            let after = try await browser.get("/cart")
            #expect(after.html.contains(#"name="quantity" value="1""#))
            #expect(after.csrf == cart.csrf)
            #expect(try await Order.query(on: app.db).count() == 0)
            #expect(try await CommerceFixtures.stock(app, sku: sku) == (onHand: 3, reserved: 0))
        }
    }

    @Test func publicPagesCarryNothingOfTheVisitor() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            // setup: a signed-in customer with a cart
            let browser = StorefrontBrowser(app)
            _ = try await Journey.addToCart(browser)
            try await browser.get("/account/register")
            try await browser.follow(
                try await browser.post(
                    "/account/register",
                    [("name", "Zelda Unique"), ("email", "zelda@example.com"), ("password", "correct horse battery")]))
            let csrf = try #require(try await browser.get("/cart").csrf)

            for path in ["/", "/c/shoes", "/p/court-sneakers", "/search?q=sneakers"] {
                // MUT
                let page = try await browser.get(path)

                // validate
                #expect(page.status == .ok)
                #expect(!page.html.contains(csrf), "\(path) must not carry the visitor's form token")
                #expect(!page.html.contains("name=\"csrf\""))
                #expect(!page.html.contains("Zelda"))
                #expect(!page.html.contains("zelda@example.com"))
                #expect(page.setCookies.isEmpty)
            }
            let product = try await browser.get("/p/court-sneakers")
            #expect(product.cacheControl?.hasPrefix("public") == true)
            // The cached copy a stranger gets is byte-for-byte the same page.
            let stranger = try await StorefrontBrowser(app).get("/p/court-sneakers")
            #expect(stranger.html == product.html)
            for path in ["/cart", "/checkout", "/account"] {
                #expect(try await browser.get(path).cacheControl == "private, no-store", "\(path)")
            }
        }
    }

    @Test func theSessionCookieStaysTheFeatureRolloutSubject() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            let browser = StorefrontBrowser(app)
            try await browser.get("/account/login")
            let token = try #require(browser.sessionToken)
            let request = Request(
                application: app, headers: [HTTPHeaders.Name.cookie.description: "\(WebSessionCookie.name)=\(token)"],
                on: app.eventLoopGroup.next())
            #expect(request.featureSubject == token)
        }
    }
}
