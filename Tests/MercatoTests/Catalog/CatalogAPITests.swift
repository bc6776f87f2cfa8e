import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

@Suite(.serialized) struct CatalogAPITests {
    static let catalogue = [
        CatalogFixtures.product(
            "Court Sneakers", category: "sneakers", price: 7_500, stock: 3, options: [("size", "41")],
            createdAt: Date(timeIntervalSince1970: 1_770_000_100)),
        CatalogFixtures.product(
            "Chelsea Boots", category: "boots", price: 12_500, stock: 0, options: [("size", "43")],
            createdAt: Date(timeIntervalSince1970: 1_770_000_200)),
        CatalogFixtures.product(
            "Basic Tee", category: "t-shirts", price: 1_500, stock: 30, options: [("size", "M")],
            createdAt: Date(timeIntervalSince1970: 1_770_000_300)),
    ]

    private func page(_ app: Application, _ path: String) async throws -> CatalogDTO.ProductPage {
        var page: CatalogDTO.ProductPage?
        try await app.testing().test(.GET, path) { response in
            #expect(response.status == .ok)
            page = try response.content.decode(CatalogDTO.ProductPage.self)
        }
        return try #require(page)
    }

    @Test func listsNewestFirstWithPaging() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            let first = try await page(app, "/api/v1/products?pageSize=2")
            #expect(first.items.map(\.title) == ["Basic Tee", "Chelsea Boots"])
            #expect(first.total == 3)
            #expect(first.totalPages == 2)
            #expect(first.facets == nil)
            let second = try await page(app, "/api/v1/products?pageSize=2&page=2")
            #expect(second.items.map(\.title) == ["Court Sneakers"])
            let beyond = try await page(app, "/api/v1/products?pageSize=2&page=9")
            #expect(beyond.items.isEmpty)
        }
    }

    @Test func categoryFilterIncludesDescendantsAndSortsByPrice() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            let shoes = try await page(app, "/api/v1/products?category=shoes&sort=price_desc")
            #expect(shoes.items.map(\.title) == ["Chelsea Boots", "Court Sneakers"])
            let byTitle = try await page(app, "/api/v1/products?sort=title")
            #expect(byTitle.items.map(\.title) == ["Basic Tee", "Chelsea Boots", "Court Sneakers"])
            let sized = try await page(app, "/api/v1/products?options=size:M,size:41&inStock=true")
            #expect(Set(sized.items.map(\.title)) == ["Basic Tee", "Court Sneakers"])
            let priced = try await page(app, "/api/v1/products?minPrice=1000&maxPrice=8000")
            #expect(Set(priced.items.map(\.title)) == ["Basic Tee", "Court Sneakers"])
        }
    }

    @Test func productDetailShowsVariantsStockAndBreadcrumbs() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            try await app.testing().test(.GET, "/api/v1/products/court-sneakers") { response in
                #expect(response.status == .ok)
                let product = try response.content.decode(CatalogDTO.ProductDetail.self)
                #expect(product.breadcrumbs.map(\.slug) == ["shoes", "sneakers"])
                #expect(product.price == Money(amount: 7_500, currency: "EUR"))
                #expect(product.price.formatted == "€75.00")
                #expect(product.options == [CatalogDTO.Option(name: "size", values: ["41"])])
                #expect(product.variants.first?.stock == CatalogDTO.Stock(status: .lowStock, available: 3))
                #expect(product.inStock)
            }
            try await app.testing().test(.GET, "/api/v1/products/chelsea-boots/variants") { response in
                let list = try response.content.decode(CatalogDTO.VariantList.self)
                #expect(list.variants.first?.stock.status == .outOfStock)
            }
        }
    }

    @Test func draftAndUnknownProductsAre404() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            try await app.db.sql.raw("UPDATE products SET status = 'draft' WHERE slug = 'basic-tee'").run()
            for path in [
                "/api/v1/products/basic-tee", "/api/v1/products/no-such-thing", "/api/v1/products?category=nope",
            ] {
                try await app.testing().test(.GET, path) { response in
                    #expect(response.status == .notFound)
                    let code = try response.content.decode(ErrorBody.self).error.code
                    #expect(code == "not_found")
                }
            }
            let listed = try await page(app, "/api/v1/products")
            #expect(!listed.items.map(\.title).contains("Basic Tee"))
        }
    }

    @Test func catalogueReadsCarryETagsAndAnswer304() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            var etag = ""
            try await app.testing().test(.GET, "/api/v1/products/court-sneakers") { response in
                etag = try #require(response.headers.first(name: .eTag))
                #expect(response.headers.first(name: .cacheControl)?.contains("max-age=") == true)
            }
            try await app.testing().test(.GET, "/api/v1/products/court-sneakers", headers: ["If-None-Match": etag]) {
                response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            try await app.testing().test(.GET, "/api/v1/categories", headers: ["If-None-Match": "\"stale\""]) {
                response in
                #expect(response.status == .ok)
                let tree = try response.content.decode(CatalogDTO.CategoryTree.self)
                #expect(tree.categories.map(\.slug) == ["clothing", "shoes"])
            }
        }
    }

    @Test(arguments: [
        ("page=abc", "page"), ("page=-1", "page"), ("page=0", "page"), ("pageSize=1000", "pageSize"),
        ("pageSize=0", "pageSize"), ("sort=cheapest", "sort"), ("minPrice=500&maxPrice=100", "minPrice"),
        ("minPrice=-5", "minPrice"), ("maxPrice=1.5", "maxPrice"), ("inStock=maybe", "inStock"),
        ("options=size", "options"), ("q=" + String(repeating: "x", count: 1_000), "q"),
    ])
    func badParametersAreClear400s(query: String, parameter: String) async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            for path in ["/api/v1/products", "/api/v1/search"] {
                try await app.testing().test(.GET, "\(path)?\(query)") { response in
                    #expect(response.status == .badRequest)
                    let body = try response.content.decode(ErrorBody.self)
                    #expect(body.error.code == "invalid_parameter")
                    #expect(body.error.message.hasPrefix("\(parameter):"))
                }
            }
        }
    }

    @Test(arguments: ["' OR 1=1 --", "<script>alert(1)</script>", "\"unterminated", "NEAR(a b)", "a:*&|!", "%00", "🙂"])
    func hostileSearchTextIsJustText(text: String) async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            let encoded = try #require(text.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            for path in ["/api/v1/search?q=\(encoded)", "/api/v1/search/suggestions?q=\(encoded)"] {
                try await app.testing().test(.GET, path) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers.contentType == .json)
                }
            }
            let count = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM products").first()?.decode(
                column: "n", as: Int.self)
            #expect(count == 3)
        }
    }
}
