import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// The headers each class of route sends: HTML pages a CSP without inline script that no site
/// may frame, every response nosniff and a referrer policy, private API answers `no-store`.
@Suite(.serialized) struct SecurityHeadersTests {
    static let catalogue = [CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30)]

    private func headers(_ app: Application, _ method: HTTPMethod, _ path: String, html: Bool = false)
        async throws -> HTTPHeaders
    {
        var headers: HTTPHeaders = html ? ["Accept": "text/html"] : [:]
        if method == .POST { headers.add(name: .contentType, value: "application/json") }
        var found = HTTPHeaders()
        try await app.testing().test(method, path, headers: headers, body: method == .POST ? .init(string: "{}") : nil)
        {
            found = $0.headers
        }
        return found
    }

    @Test func pagesPublicAPIPrivateAPIAndErrorsEachCarryTheirHeaders() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // MUT
            let page = try await headers(app, .GET, "/products/basic-tee", html: true)
            let missing = try await headers(app, .GET, "/no-such-page", html: true)
            let catalogue = try await headers(app, .GET, "/api/v1/products")
            let cart = try await headers(app, .POST, "/api/v1/carts")
            let me = try await headers(app, .GET, "/api/v1/me")
            // validate: pages, including error pages
            for html in [page, missing] {
                let policy = try #require(html.first(name: "Content-Security-Policy"))
                #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
                #expect(policy.contains("frame-ancestors 'none'"))
                #expect(html.first(name: "X-Frame-Options") == "DENY")
            }
            // every response
            for response in [page, missing, catalogue, cart, me] {
                #expect(response.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(response.first(name: "Referrer-Policy") != nil)
                // the testing environment is not development: HTTPS only
                #expect(response.first(name: "Strict-Transport-Security")?.hasPrefix("max-age=") == true)
            }
            // a cacheable catalogue answer keeps its own policy; a cart (with its token) and /me are private
            #expect(catalogue.first(name: .cacheControl)?.contains("no-store") == false)
            #expect(cart.first(name: .cacheControl) == "no-store")
            #expect(me.first(name: .cacheControl) == "no-store")
            #expect(catalogue.first(name: "Content-Security-Policy") == nil)
        }
    }

    @Test func onlyThePaymentPageMayLoadStripeJS() throws {
        // setup
        var settings = try TestSupport.settings()
        settings.adapters.payments = .stripe
        let middleware = SecurityHeadersMiddleware(settings: settings)
        // MUT + validate
        #expect(middleware.policy(for: "/checkout/pay/\(UUID())").contains("script-src 'self' https://js.stripe.com"))
        #expect(!middleware.policy(for: "/cart").contains("js.stripe.com"))
        #expect(
            !SecurityHeadersMiddleware(settings: try TestSupport.settings()).policy(for: "/checkout/pay/x")
                .contains("stripe"))
    }

    @Test func developmentSendsNoHSTS() async throws {
        var settings = try TestSupport.settings()
        settings.environment = .development
        #expect(SecurityHeadersMiddleware(settings: settings).strictTransportSecurity == false)
    }
}
