import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// A browser without JavaScript: keeps the cookies the shop sets, submits forms as
/// `application/x-www-form-urlencoded` with the `Origin` a browser sends, and reads the hidden
/// CSRF field out of the page it is on, as a real form post would carry it.
final class StorefrontBrowser {
    struct Page {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var html: String

        var location: String? { headers.first(name: .location) }
        var cacheControl: String? { headers.first(name: .cacheControl) }
        /// The hidden `csrf` field of the page's forms.
        var csrf: String? { StorefrontTesting.matches(of: #"name="csrf" value="([^"]*)""#, in: html).first }
        /// The page's text with tags removed and whitespace collapsed: what a shopper reads.
        var text: String {
            html.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
                .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
                .replacingOccurrences(of: "&quot;", with: "\"")
                .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
        }
        /// Raw `Set-Cookie` headers.
        var setCookies: [String] { headers[.setCookie] }
    }

    let app: Application
    var cookies: [String: String] = [:]
    var origin = "http://localhost:8080"
    /// The last page fetched: forms submitted without an explicit token take its CSRF field.
    private(set) var current: Page?
    /// The path of the last page fetched with GET.
    private(set) var currentPath: String?

    init(_ app: Application) {
        self.app = app
    }

    var sessionToken: String? { cookies[WebSessionCookie.name] }

    @discardableResult
    func get(_ path: String) async throws -> Page {
        try await send(.GET, path, body: nil, headers: [:])
    }

    /// Posts a form the way the page on screen would: with its CSRF field unless `csrf` says otherwise.
    @discardableResult
    func post(
        _ path: String, _ fields: [(String, String)], csrf: String? = nil, includeCSRF: Bool = true,
        headers: HTTPHeaders = [:]
    ) async throws -> Page {
        var fields = fields
        if includeCSRF, let token = csrf ?? current?.csrf { fields.append(("csrf", token)) }
        let body = fields.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
        var all: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded", "Origin": origin]
        for (name, value) in headers { all.replaceOrAdd(name: name, value: value) }
        return try await send(.POST, path, body: ByteBuffer(string: body), headers: all)
    }

    /// Follows `303`/`302` redirects with GETs, as a browser does after a form post.
    @discardableResult
    func follow(_ page: Page) async throws -> Page {
        var page = page
        var hops = 0
        while [.seeOther, .found, .movedPermanently, .temporaryRedirect].contains(page.status),
            let location = page.location, hops < 5
        {
            page = try await get(location)
            hops += 1
        }
        return page
    }

    private func send(_ method: HTTPMethod, _ path: String, body: ByteBuffer?, headers: HTTPHeaders) async throws
        -> Page
    {
        var all = StorefrontTesting.browser
        for (name, value) in headers { all.replaceOrAdd(name: name, value: value) }
        if !cookies.isEmpty {
            all.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        var page: Page?
        try await app.testing().test(method, path, headers: all, body: body) { response in
            page = Page(status: response.status, headers: response.headers, html: response.body.string)
        }
        let result = try #require(page)
        for header in result.setCookies {
            let pair = header.split(separator: ";")[0].split(
                separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
            if pair[1].isEmpty || header.contains("Max-Age=0") {
                cookies[name] = nil
            } else {
                cookies[name] = String(pair[1])
            }
        }
        if method == .GET || result.status.code >= 400 { current = result }
        if method == .GET { currentPath = path }
        return result
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

/// Storefront journeys built from forms only.
enum ShopJourney {
    static let address: [(String, String)] = [
        ("email", "ana@example.com"), ("name", "Ana Example"), ("line1", "Hauptstraße 1"), ("line2", ""),
        ("city", "Berlin"), ("postalCode", "10115"), ("country", "DE"), ("region", ""),
    ]

    /// Product page → add to cart, as its form is on the (publicly cached) page: no token.
    static func addToCart(
        _ browser: StorefrontBrowser, slug: String = "court-sneakers", quantity: String = "1"
    ) async throws -> StorefrontBrowser.Page {
        let product = try await browser.get("/p/\(slug)")
        let action = try #require(
            StorefrontTesting.matches(
                of: #"<form method="post" action="([^"]+)" class="add-to-cart">"#, in: product.html
            )
            .first)
        let sku = try #require(
            StorefrontTesting.matches(of: #"<option value="([^"]+)" selected>"#, in: product.html).first)
        return try await browser.post(action, [("sku", sku), ("quantity", quantity)], includeCSRF: false)
    }

    /// Cart → checkout (address, then shipping) → the payment page.
    static func checkOut(
        _ browser: StorefrontBrowser, method: String = "standard", address: [(String, String)] = address
    ) async throws -> StorefrontBrowser.Page {
        try await browser.get("/checkout")
        let shipping = try await browser.post("/checkout", [("step", "address")] + address)
        #expect(shipping.status == .ok, "\(shipping.text)")
        let placed = try await browser.post("/checkout", [("step", "place"), ("shippingMethod", method)] + address)
        #expect(placed.status == .seeOther)
        return try await browser.follow(placed)
    }

    /// Submits a test card on the payment page on screen and follows where the shop sends the browser.
    static func pay(_ browser: StorefrontBrowser, card: String) async throws -> StorefrontBrowser.Page {
        let payPath = try #require(browser.currentPath)
        #expect(payPath.hasPrefix("/checkout/pay/"), "expected to be on a payment page, not \(payPath)")
        return try await browser.follow(try await browser.post(payPath, [("card", card)]))
    }

    static func orderNumber(in page: StorefrontBrowser.Page) -> String? {
        StorefrontTesting.matches(of: #"<h1>Order ([A-Z0-9-]+)</h1>"#, in: page.html).first
    }
}
