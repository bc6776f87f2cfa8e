import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Whatever a shopper or a bot puts in the address bar: a rendered 4xx page that says what was
/// wrong, never a 500 and never JSON for a browser, and nothing in the catalogue changes.
@Suite(.serialized) struct StorefrontBadInputTests {
    typealias Shop = StorefrontTesting

    static let cases: [(path: String, status: HTTPResponseStatus, message: String)] = [
        ("/c/shoes?page=abc", .badRequest, "page: must be a whole number"),
        ("/c/shoes?page=-1", .badRequest, "page: must be between 1 and 10000"),
        ("/c/shoes?page=0", .badRequest, "page: must be between 1 and 10000"),
        ("/c/shoes?sort=cheapest", .badRequest, "unknown sort &#39;cheapest&#39;"),
        ("/c/shoes?minPrice=120&maxPrice=10", .badRequest, "minPrice: must not be greater than maxPrice"),
        ("/c/shoes?minPrice=ten", .badRequest, "minPrice: must be an amount such as 25 or 49.99"),
        ("/c/shoes?maxPrice=1.999", .badRequest, "maxPrice: must be an amount such as 25 or 49.99"),
        ("/c/shoes?option=size", .badRequest, "options: expected name:value pairs"),
        ("/search?q=" + String(repeating: "a", count: 1_000), .badRequest, "q: must be at most 200 characters"),
        ("/search?q=" + String(repeating: "a", count: 10_240), .uriTooLong, "longer than 8192 bytes"),
        ("/c/no-such-category", .notFound, "there is no category &#39;no-such-category&#39;"),
        ("/p/no-such-product", .notFound, "no product &#39;no-such-product&#39;"),
        ("/p/court-sneakers?variant=NOPE", .badRequest, "has no variant &#39;NOPE&#39;"),
        ("/nowhere", .notFound, "Not Found"),
    ]

    @Test func badInputIsARenderedClientErrorPage() async throws {
        try await Shop.withShop { app in
            for (path, status, message) in Self.cases {
                let page = try await Shop.get(app, path)
                #expect(page.status == status, "\(path.prefix(60))")
                #expect(page.headers.contentType == .html, "\(path.prefix(60))")
                #expect(page.html.contains(message), "\(path.prefix(60)): \(page.html.prefix(600))")
                #expect(page.html.contains("Back to the shop"))
                #expect(page.headers.first(name: .cacheControl) == nil, "error pages must not be cached")
            }
        }
    }

    @Test func markupAndSQLInTheQueryAreEscapedAndHarmless() async throws {
        try await Shop.withShop { app in
            let hostile = #"<script>alert("x")</script>' OR 1=1; DROP TABLE products; --"#
            let encoded = PercentEncoding.component(hostile)
            let before = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM products").first()?
                .decode(column: "n", as: Int.self)

            let search = try await Shop.get(app, "/search?q=\(encoded)")
            #expect(search.status == .ok)
            #expect(!search.html.contains("<script>"))
            #expect(search.html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; OR 1=1"))

            let category = try await Shop.get(app, "/c/\(encoded)")
            #expect(category.status == .notFound)
            #expect(!category.html.contains("<script>"))

            let product = try await Shop.get(app, "/p/court-sneakers?variant=\(encoded)")
            #expect(product.status == .badRequest)
            #expect(!product.html.contains("<script>"))

            let after = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM products").first()?
                .decode(column: "n", as: Int.self)
            #expect(before == 4)
            #expect(after == before)
        }
    }

    @Test func unknownProductIsA404PageNotJSON() async throws {
        try await Shop.withShop { app in
            let page = try await Shop.get(app, "/p/missing")
            #expect(page.status == .notFound)
            #expect(page.html.contains("<h1>404 · Not Found</h1>"))
            #expect(!page.html.contains("\"error\""))
        }
    }
}
