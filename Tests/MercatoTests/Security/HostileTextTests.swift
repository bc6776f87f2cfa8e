import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// One corpus of hostile strings through the text fields of the Store and Admin APIs and the
/// storefront's forms, on SQLite and PostgreSQL: each is a 400 naming the field, never a 500, and
/// nothing is stored.
@Suite(.serialized) struct HostileTextTests {
    static let catalogue = [CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30)]
    static let admin: HTTPHeaders = ["Authorization": "Bearer testing-admin-token"]
    /// NUL (PostgreSQL refuses it), another C0 control, DEL, a C1 control, two bidi overrides.
    static let corpus = ["Ana\u{0}", "Ana\u{1B}[31m", "Ana\u{7F}", "Ana\u{85}", "Ana\u{202E}gnp.exe", "\u{2066}Ana"]

    /// The requests, each with one text field set to `text`, and the field the 400 must name.
    static func requests(_ text: String, cart: CommerceFixtures.CartHandle) -> [(String, String, [String: Any])] {
        var address = CommerceFixtures.checkoutBody(cart)
        var shipping = address["shippingAddress"] as? [String: Any] ?? [:]
        shipping["line1"] = text
        address["shippingAddress"] = shipping
        var method = CommerceFixtures.checkoutBody(cart)
        method["shippingMethod"] = text
        return [
            ("/api/v1/customers", "name", ["email": "ana@example.com", "password": "long-enough-1", "name": text]),
            ("/api/v1/auth/login", "email", ["email": text, "password": "whatever-123"]),
            ("/api/v1/carts/\(cart.id)/items", "sku", ["sku": text, "quantity": 1]),
            ("/api/v1/checkout", "shippingAddress.line1", address),
            ("/api/v1/checkout", "shippingMethod", method),
            ("/api/v1/admin/coupons", "code", ["code": text, "kind": "percentage", "value": 500]),
            (
                "/api/v1/admin/shipping-methods", "name",
                ["code": "pickup", "name": text, "zone": "DE", "rateKind": "flat", "flatAmount": 0, "currency": "EUR"]
            ),
            ("/api/v1/admin/tax-rates", "name", ["country": "FR", "name": text, "rateBasisPoints": 2_000]),
        ]
    }

    @Test(arguments: DatabaseBackend.available)
    func everyHostileStringIsRefusedNamingItsField(on backend: DatabaseBackend) async throws {
        try await CommerceFixtures.withShop(on: backend, Self.catalogue) { app in
            // setup
            let cart = try await CommerceFixtures.createCart(app)
            let before = try await counts(app)
            for text in Self.corpus {
                for (path, field, body) in Self.requests(text, cart: cart) {
                    // MUT
                    var headers = cart.headers.merging(["Content-Type": "application/json"])
                    if path.contains("/admin/") { headers = headers.merging(Self.admin) }
                    var outcome: (HTTPStatus, String) = (.internalServerError, "")
                    try await app.testing().test(.POST, path, headers: headers, body: CommerceFixtures.json(body)) {
                        outcome = ($0.status, $0.body.string)
                    }
                    // validate
                    #expect(outcome.0 == .badRequest, "\(path) with \(text.debugDescription): \(outcome.1)")
                    #expect(outcome.1.contains("\(field) contains"), "\(path): \(outcome.1)")
                }
            }
            #expect(try await counts(app) == before)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func queryStringsAndPathsAreCheckedToo(on backend: DatabaseBackend) async throws {
        try await CommerceFixtures.withShop(on: backend, Self.catalogue) { app in
            for target in ["/api/v1/search?q=tee%00", "/api/v1/products/basic-tee%00", "/search?q=%E2%80%AEtee"] {
                // MUT
                var status: HTTPStatus = .internalServerError
                try await app.testing().test(.GET, target) { status = $0.status }
                // validate
                #expect(status == .badRequest, "\(target)")
            }
        }
    }

    @Test func aStorefrontFormWithAControlCharacterChangesNothing() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // setup: a visitor's session and its CSRF token
            let browser = StorefrontBrowser(app)
            let page = try await browser.get("/account/register")
            #expect(page.csrf != nil)
            // MUT
            let response = try await browser.post(
                "/account/register",
                [("email", "ana@example.com"), ("password", "long-enough-1"), ("name", "Ana\u{0}")])
            // validate
            #expect(response.status == .badRequest)
            #expect(response.text.contains("name contains a control character (U+0000)"))
            #expect(try await Customer.query(on: app.db).count() == 0)
        }
    }

    @Test func tabsAndLineBreaksAndEveryScriptAreFine() throws {
        #expect(TextPolicy.problem(in: "Zeile 1\nZeile 2\twith tab\r\n") == nil)
        #expect(TextPolicy.problem(in: "Ana Müller 李娜 שלום مرحبا 👩🏽‍💻") == nil)
        #expect(TextPolicy.problem(in: "Ana\u{0}") == "contains a control character (U+0000)")
        #expect(TextPolicy.problem(in: "\u{202E}") == "contains a bidirectional override (U+202E)")
    }

    private func counts(_ app: Application) async throws -> [Int] {
        [
            try await Customer.query(on: app.db).count(), try await CartItem.query(on: app.db).count(),
            try await Order.query(on: app.db).count(), try await Coupon.query(on: app.db).count(),
            try await ShippingMethod.query(on: app.db).count(), try await TaxRate.query(on: app.db).count(),
        ]
    }
}
