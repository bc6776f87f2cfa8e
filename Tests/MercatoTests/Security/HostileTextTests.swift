import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Hostile text in paths, query strings and the storefront's forms (the API bodies are walked by
/// `HostileCorpusTests`): each is a 400 naming what was wrong, never a 500, and nothing is stored.
@Suite(.serialized) struct HostileTextTests {
    static let catalogue = [CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30)]
    static let admin: HTTPHeaders = ["Authorization": "Bearer mk_test-owner-key"]
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

    @Test func onlyBodiesThatCouldHoldRefusedTextAreParsedTwice() throws {
        // setup: bodies as clients send them, and every way JSON can spell refused text
        let scan = { (json: String) in TextPolicy.mayBreakPolicy(json: ByteBuffer(string: json).readableBytesView) }
        let plain = [
            #"{"name":"Ana Müller 李娜 👩🏽‍💻","line1":"Hauptstraße 1\n","path":"C:\\users"}"#,
            #"{"text":"a \\u0000 is not an escape here","quote":"\"","n":42}"#,
        ]
        let suspicious = [
            #"{"name":"Ana\u0000"}"#, #"{"name":"\u202e"}"#, "{\"name\":\"a\u{7F}\"}", "{\"name\":\"\u{85}\"}",
            "{\"name\":\"\u{202A}x\"}", "{\"name\":\"\u{2069}\"}", "{\"name\":\"\u{1}\"}",
            #"{"name":"\\\u0000"}"#,
        ]
        // verify
        for body in plain { #expect(!scan(body), "\(body)") }
        for body in suspicious { #expect(scan(body), "\(body)") }
    }
}
