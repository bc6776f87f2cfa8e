import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// A small shop and a browser's view of it: pages fetched with `Accept: text/html`, links and
/// product titles read out of the HTML as a shopper would see them.
enum StorefrontTesting {
    struct Page {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var html: String
    }

    /// What every browser sends for a page navigation.
    static let browser: HTTPHeaders = ["Accept": "text/html,application/xhtml+xml,*/*;q=0.8"]

    /// Shoes (sneakers, boots) and clothing, two featured, varied brands, prices and stock.
    static var catalogue: [NewProduct] {
        var court = product(
            "Court Sneakers", brand: "Acme", category: "sneakers", featured: true,
            variants: [("41", 7_500, 3), ("42", 7_500, 0)], compareAt: 9_000, age: 1)
        court.description = "Low-top leather court shoes."
        return [
            court,
            product(
                "Trail Runner", brand: "Stride", category: "sneakers", featured: true, variants: [("43", 11_000, 20)]),
            product("Chelsea Boots", brand: "Acme", category: "boots", variants: [("43", 12_500, 0)], age: 2),
            product("Basic Tee", brand: "Cotton Co", category: "t-shirts", variants: [("M", 1_500, 30)], age: 3),
        ]
    }

    /// One product; `variants` are (size, price in cents, stock). Larger `age` means older.
    static func product(
        _ title: String, brand: String, category: String, featured: Bool = false,
        variants: [(String, Int64, Int)], compareAt: Int64? = nil, age: Int = 0
    ) -> NewProduct {
        let slug = Slug.make(title)
        return NewProduct(
            id: UUID(), title: title, slug: slug, description: "A fine product.", brand: brand,
            attributesJSON: #"{"material":"leather"}"#, categorySlug: category, featured: featured,
            createdAt: Date(timeIntervalSince1970: 1_770_000_000 - Double(age) * 3_600),
            variants: variants.map { size, price, stock in
                NewProduct.Variant(
                    id: UUID(), sku: "SKU-\(slug)-\(size)", title: "Size \(size)",
                    options: [(name: "size", value: size)],
                    price: price, compareAt: compareAt, weightGrams: 500, onHand: stock)
            }, imageColour: "#000000")
    }

    /// A migrated `--role all` app holding `products`, the first with an image.
    static func withShop(
        _ products: [NewProduct] = catalogue, _ body: (Application) async throws -> Void
    ) async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, products) { app in
            if let first = products.first { try await addImage(to: first, in: app) }
            try await body(app)
        }
    }

    static func addImage(to product: NewProduct, in app: Application) async throws {
        try await app.db.sql.insert(into: "product_images")
            .columns("id", "product_id", "storage_key", "content_type", "alt", "position", "byte_size", "created_at")
            .values(
                SQLBind(UUID()), SQLBind(product.id), SQLBind("products/\(product.slug).png"), SQLBind("image/png"),
                SQLBind("\(product.title), side view"), SQLBind(0), SQLBind(100), SQLBind(Date())
            ).run()
    }

    static func get(_ app: Application, _ path: String, headers: HTTPHeaders = [:]) async throws -> Page {
        var all = browser
        for (name, value) in headers { all.replaceOrAdd(name: name, value: value) }
        var page: Page?
        try await app.testing().test(.GET, path, headers: all) { response in
            page = Page(status: response.status, headers: response.headers, html: response.body.string)
        }
        return try #require(page)
    }

    /// Every `href` on the page, with HTML entities undone as a browser would.
    static func hrefs(in html: String) -> [String] {
        matches(of: #"href="([^"]*)""#, in: html).map { $0.replacingOccurrences(of: "&amp;", with: "&") }
    }

    /// Product titles in the order the grid shows them.
    static func titles(in html: String) -> [String] {
        matches(of: #"<span class="product-title">([^<]*)</span>"#, in: html)
    }

    static func matches(of pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
