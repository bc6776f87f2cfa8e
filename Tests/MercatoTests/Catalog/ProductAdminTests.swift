import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Products through the Admin API, as catalogue staff use it: create a draft with its variant
/// matrix, publish it, edit it (never over someone else's edit), rename it without breaking links,
/// switch variants off, and delete only what was never ordered.
@Suite(.serialized) struct ProductAdminTests {
    static let catalogue = [CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30)]

    static var linenShirt: [String: Any] {
        [
            "title": "Linen Shirt", "brand": "Rowan", "description": "Cool in summer.",
            "attributes": ["material": "linen"], "seoTitle": "Linen shirt | Mercato",
            "matrix": [
                "options": [
                    ["name": "Size", "values": ["S", "M"]], ["name": "Colour", "values": ["Blue", "Sand"]],
                ],
                "skuPrefix": "LIN", "price": 4_900, "onHand": 5,
            ],
        ]
    }

    private func catalogStaff(_ app: Application) async throws -> String {
        try await StaffFixtures.member(app, email: "cat@example.com", role: "catalog")
    }

    private func ifMatch(_ product: [String: Any]) -> HTTPHeaders {
        ["If-Match": "\"\(product["version"] as? Int ?? 0)\""]
    }

    private func status(_ app: Application, _ path: String) async throws -> (HTTPStatus, String?) {
        var result: (HTTPStatus, String?) = (.internalServerError, nil)
        try await app.testing().test(.GET, path) { response in
            result = (response.status, response.headers.first(name: .location))
        }
        return result
    }

    @Test(arguments: DatabaseBackend.available)
    func aNewProductIsADraftUntilPublishedAndThenShoppersCanFindAndBuyIt(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup
            let staff = try await catalogStaff(app)
            // act
            let (created, product) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/products", token: staff, json: Self.linenShirt)
            let (draftStatus, _) = try await status(app, "/api/v1/products/linen-shirt")
            let (published, live) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/products/linen-shirt/publish", token: staff, headers: ifMatch(product))
            let (liveStatus, _) = try await status(app, "/api/v1/products/linen-shirt")
            let (_, search) = try await StaffFixtures.call(app, .GET, "/api/v1/search?q=linen")
            let cart = try await CommerceFixtures.createCart(app)
            let (added, _) = try await CommerceFixtures.add(app, cart, sku: "LIN-M-SAND", quantity: 2)
            // verify: the matrix made four variants with stock; only the published product is public
            #expect(created == .created)
            #expect(product["slug"] as? String == "linen-shirt")
            #expect(product["status"] as? String == "draft")
            let variants = product["variants"] as? [[String: Any]] ?? []
            #expect(
                Set(variants.compactMap { $0["sku"] as? String }) == [
                    "LIN-S-BLUE", "LIN-S-SAND", "LIN-M-BLUE", "LIN-M-SAND",
                ])
            #expect(variants.allSatisfy { $0["available"] as? Int == 5 })
            #expect(
                variants.first { $0["sku"] as? String == "LIN-M-SAND" }?["options"] as? [String: String]
                    == ["Size": "M", "Colour": "Sand"])
            #expect(draftStatus == .notFound)
            #expect(published == .ok)
            #expect(live["status"] as? String == "active")
            #expect(live["version"] as? Int == 2)
            #expect(liveStatus == .ok)
            let found = (search["items"] as? [[String: Any]] ?? []).compactMap { $0["slug"] as? String }
            #expect(found == ["linen-shirt"])
            #expect(added == .ok)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func anEditBasedOnAStaleReadIsRefusedAndChangesNothing(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: two members of staff read the same version
            let staff = try await catalogStaff(app)
            let (_, product) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/products", token: staff, json: Self.linenShirt)
            let id = try #require(product["id"] as? String)
            // act
            let (first, edited) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/products/\(id)", token: staff, json: ["title": "Linen Shirt Classic"],
                headers: ifMatch(product))
            let (second, refused) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/products/\(id)", token: staff, json: ["brand": "Someone Else"],
                headers: ifMatch(product))
            let (unguarded, required) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/products/\(id)", token: staff, json: ["brand": "Someone Else"])
            let (_, now) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/products/\(id)", token: staff)
            // verify
            #expect(first == .ok)
            #expect(edited["title"] as? String == "Linen Shirt Classic")
            #expect(second == .preconditionFailed)
            #expect(StaffFixtures.errorCode(refused) == "version_mismatch")
            #expect(unguarded == .preconditionRequired)
            #expect(StaffFixtures.errorCode(required) == "precondition_required")
            #expect(now["brand"] as? String == "Rowan")
            #expect(now["version"] as? Int == 2)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func aRenamedProductKeepsItsOldAddressAsAPermanentRedirect(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: a live product
            let staff = try await catalogStaff(app)
            var body = Self.linenShirt
            body["status"] = "active"
            let (_, product) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/products", token: staff, json: body)
            _ = try await status(app, "/p/linen-shirt")
            // act
            let (renamed, after) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/products/linen-shirt", token: staff,
                json: ["slug": "summer-linen-shirt"], headers: ifMatch(product))
            let api = try await status(app, "/api/v1/products/linen-shirt")
            let variants = try await status(app, "/api/v1/products/linen-shirt/variants")
            let page = try await status(app, "/p/linen-shirt?variant=LIN-S-BLUE")
            let (newPage, _) = try await status(app, "/p/summer-linen-shirt")
            // verify
            #expect(renamed == .ok)
            #expect(after["redirects"] as? [String] == ["linen-shirt"])
            #expect(api.0 == .movedPermanently)
            #expect(api.1 == "/api/v1/products/summer-linen-shirt")
            #expect(variants.1 == "/api/v1/products/summer-linen-shirt/variants")
            #expect(page.0 == .movedPermanently)
            #expect(page.1 == "/p/summer-linen-shirt?variant=LIN-S-BLUE")
            #expect(newPage == .ok)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func aSwitchedOffVariantIsNeitherShownNorSold(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: a live product whose dearest variant costs more
            let staff = try await catalogStaff(app)
            let (_, product) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/products", token: staff,
                json: [
                    "title": "Wool Socks", "status": "active",
                    "variants": [
                        ["sku": "SOCK-1", "price": 900, "options": ["Pack": "1"], "onHand": 4],
                        ["sku": "SOCK-3", "price": 2_400, "options": ["Pack": "3"], "onHand": 4],
                    ],
                ])
            let id = try #require(product["id"] as? String)
            let variants = try #require(product["variants"] as? [[String: Any]])
            let three = try #require(variants.first { $0["sku"] as? String == "SOCK-3" }?["id"] as? String)
            let one = try #require(variants.first { $0["sku"] as? String == "SOCK-1" }?["id"] as? String)
            // act
            let (switched, after) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/products/\(id)/variants/\(three)", token: staff,
                json: ["active": false, "price": 2_100], headers: ifMatch(product))
            let (_, detail) = try await StaffFixtures.call(app, .GET, "/api/v1/products/wool-socks")
            let cart = try await CommerceFixtures.createCart(app)
            let (added, code) = try await CommerceFixtures.add(app, cart, sku: "SOCK-3", quantity: 1)
            let (last, lastError) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/products/\(id)/variants/\(one)", token: staff, json: ["active": false],
                headers: ifMatch(after))
            // verify
            #expect(switched == .ok)
            #expect(after["priceMax"] as? Int == 900)
            let shown = (detail["variants"] as? [[String: Any]] ?? []).compactMap { $0["sku"] as? String }
            #expect(shown == ["SOCK-1"])
            #expect(added == .unprocessableEntity)
            #expect(code == "unknown_sku")
            #expect(last == .conflict)
            #expect(StaffFixtures.errorCode(lastError) == "no_active_variant")
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func badInputIsRefusedNamingTheFieldAndWritesNothing(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup
            let staff = try await catalogStaff(app)
            let before = try await Product.query(on: app.db).count()
            let variant = ["sku": "NEW-1", "price": 100] as [String: Any]
            let cases: [([String: Any], HTTPStatus, String)] = [
                (["title": "Shirt", "variants": [["sku": "NEW-1", "price": -1]]], .badRequest, "variants[0].price"),
                (["title": "Shirt", "variants": [variant, variant]], .badRequest, "variants[1].sku"),
                (["title": "Shirt", "slug": "Not A Slug", "variants": [variant]], .badRequest, "slug"),
                (
                    ["title": "Shirt", "categoryId": UUID().uuidString, "variants": [variant]], .badRequest,
                    "categoryId"
                ),
                (["title": "Shirt", "variants": [variant], "currency": "XXX"], .badRequest, "currency"),
                (
                    ["title": "Shirt", "variants": [["sku": "N-2", "price": 1, "compareAt": 5]]], .badRequest,
                    "variants[0].compareAt"
                ),
                (
                    [
                        "title": "Shirt",
                        "matrix": [
                            "options": [
                                ["name": "A", "values": (1...11).map(String.init)],
                                ["name": "B", "values": (1...10).map(String.init)],
                            ],
                            "skuPrefix": "X", "price": 100,
                        ],
                    ], .badRequest, "matrix.options"
                ),
                (
                    ["title": "Shirt", "variants": [["sku": "SKU-basic-tee", "price": 100]]], .conflict, "duplicate_sku"
                ),
                (["title": "Basic Tee", "variants": [variant]], .conflict, "duplicate_slug"),
            ]
            for (body, expected, named) in cases {
                // act
                let (status, json) = try await StaffFixtures.call(
                    app, .POST, "/api/v1/admin/products", token: staff, json: body)
                // verify
                #expect(status == expected, "\(named)")
                let error = json["error"] as? [String: Any]
                if expected == .badRequest {
                    #expect((error?["message"] as? String ?? "").hasPrefix(named + " "), "\(json)")
                } else {
                    #expect(error?["code"] as? String == named)
                }
            }
            #expect(try await Product.query(on: app.db).count() == before)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func onlyAProductNeverOrderedCanBeDeleted(on backend: DatabaseBackend) async throws {
        try await CommerceFixtures.withShop(on: backend, Self.catalogue) { app in
            // setup: the tee is in an order; a new product is not
            let staff = try await catalogStaff(app)
            let cart = try await CommerceFixtures.createCart(app)
            try await CommerceFixtures.add(app, cart, sku: "SKU-basic-tee", quantity: 1)
            #expect(try await CommerceFixtures.checkout(app, cart).status == .created)
            let (_, tee) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/products/basic-tee", token: staff)
            let (_, shirt) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/products", token: staff, json: Self.linenShirt)
            // act
            let (ordered, orderedError) = try await StaffFixtures.call(
                app, .DELETE, "/api/v1/admin/products/basic-tee", token: staff, headers: ifMatch(tee))
            let (deleted, _) = try await StaffFixtures.call(
                app, .DELETE, "/api/v1/admin/products/linen-shirt", token: staff, headers: ifMatch(shirt))
            let (gone, _) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/products/linen-shirt", token: staff)
            // verify
            #expect(ordered == .conflict)
            #expect(StaffFixtures.errorCode(orderedError) == "product_ordered")
            #expect(try await Product.query(on: app.db).filter(\.$slug == "basic-tee").count() == 1)
            #expect(deleted == .noContent)
            #expect(gone == .notFound)
            #expect(try await Variant.query(on: app.db).filter(\.$sku == "LIN-S-BLUE").count() == 0)
        }
    }

    @Test func aRetriedCreateAnswersTheProductItMadeAndMakesNoOther() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            // setup
            let staff = try await catalogStaff(app)
            let key: HTTPHeaders = ["Idempotency-Key": "create-linen-1"]
            // act
            let (first, made) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/products", token: staff, json: Self.linenShirt, headers: key)
            let (again, replayed) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/products", token: staff, json: Self.linenShirt, headers: key)
            var other = Self.linenShirt
            other["title"] = "Hemp Shirt"
            let (reused, reusedError) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/products", token: staff, json: other, headers: key)
            // verify
            #expect(first == .created)
            #expect(again == .ok)
            #expect(replayed["id"] as? String == made["id"] as? String)
            #expect(reused == .unprocessableEntity)
            #expect(StaffFixtures.errorCode(reusedError) == "idempotency_key_reused")
            #expect(try await Product.query(on: app.db).count() == 2)
        }
    }
}
