import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Images and the category tree, as catalogue staff arrange them.
@Suite(.serialized) struct CatalogueArrangementTests {
    static let catalogue = [
        CatalogFixtures.product("Court Sneakers", category: "sneakers", price: 8_900, stock: 3),
        CatalogFixtures.product("Trail Boots", category: "boots", price: 12_900, stock: 3),
    ]

    private func upload(_ app: Application, _ token: String, alt: String) async throws -> [String: Any] {
        var headers: HTTPHeaders = ["Content-Type": "image/png"]
        headers.bearerAuthorization = BearerAuthorization(token: token)
        var json: [String: Any] = [:]
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 32)
        try await app.testing().test(
            .POST, "/api/v1/admin/products/court-sneakers/images?alt=\(alt)", headers: headers,
            body: ByteBuffer(bytes: png)
        ) { response in
            #expect(response.status == .created)
            json =
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
        }
        return json
    }

    @Test(arguments: DatabaseBackend.available)
    func staffReorderRelabelAndRemoveImages(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: two images, front then side
            let staff = try await StaffFixtures.member(app, email: "cat@example.com", role: "catalog")
            _ = try await upload(app, staff, alt: "front")
            _ = try await upload(app, staff, alt: "side")
            let (_, product) = try await StaffFixtures.call(
                app, .GET, "/api/v1/admin/products/court-sneakers", token: staff)
            let images = try #require(product["images"] as? [[String: Any]])
            let side = try #require(images.first { $0["alt"] as? String == "side" }?["id"] as? String)
            let front = try #require(images.first { $0["alt"] as? String == "front" }?["id"] as? String)
            // act
            let (moved, afterMove) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/products/court-sneakers/images/\(side)", token: staff,
                json: ["position": 0, "alt": "Side view"],
                headers: ["If-Match": "\"\(product["version"] as? Int ?? 0)\""])
            let (_, card) = try await StaffFixtures.call(app, .GET, "/api/v1/products?q=court")
            let (removed, afterRemove) = try await StaffFixtures.call(
                app, .DELETE, "/api/v1/admin/products/court-sneakers/images/\(front)", token: staff,
                headers: ["If-Match": "\"\(afterMove["version"] as? Int ?? 0)\""])
            // verify: the side view leads, listings show it, and the front one is gone
            #expect(moved == .ok)
            let order = (afterMove["images"] as? [[String: Any]] ?? []).compactMap { $0["alt"] as? String }
            #expect(order == ["Side view", "front"])
            let listed = ((card["items"] as? [[String: Any]])?.first?["image"] as? [String: Any])?["alt"] as? String
            #expect(listed == "Side view")
            #expect(removed == .ok)
            #expect(
                (afterRemove["images"] as? [[String: Any]] ?? []).compactMap { $0["alt"] as? String } == ["Side view"])
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func theCategoryTreeIsRearrangedWithoutCyclesOrOrphans(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: clothing > t-shirts, shoes > sneakers, shoes > boots
            let staff = try await StaffFixtures.member(app, email: "cat@example.com", role: "catalog")
            let (_, list) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/categories", token: staff)
            let ids = Dictionary(
                uniqueKeysWithValues: (list["items"] as? [[String: Any]] ?? []).compactMap { item in
                    (item["slug"] as? String).flatMap { slug in (item["id"] as? String).map { (slug, $0) } }
                })
            let shoes = try #require(ids["shoes"])
            let sneakers = try #require(ids["sneakers"])
            let boots = try #require(ids["boots"])
            // act
            let (created, outdoor) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/categories", token: staff, json: ["name": "Outdoor", "parentId": shoes])
            let outdoorID = try #require(outdoor["id"] as? String)
            let (cycle, cycleError) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/categories/\(shoes)", token: staff, json: ["parentId": outdoorID])
            let (nonEmpty, nonEmptyError) = try await StaffFixtures.call(
                app, .DELETE, "/api/v1/admin/categories/\(boots)", token: staff)
            let (deleted, _) = try await StaffFixtures.call(
                app, .DELETE, "/api/v1/admin/categories/\(boots)?reassignTo=\(outdoorID)", token: staff)
            let (renamed, _) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/categories/\(outdoorID)", token: staff, json: ["name": "Hiking"])
            let (_, found) = try await StaffFixtures.call(app, .GET, "/api/v1/search?q=hiking")
            let (_, after) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/categories", token: staff)
            // verify
            #expect(created == .created)
            #expect(outdoor["slug"] as? String == "outdoor")
            #expect(cycle == .conflict)
            #expect(StaffFixtures.errorCode(cycleError) == "category_cycle")
            #expect(nonEmpty == .conflict)
            #expect(StaffFixtures.errorCode(nonEmptyError) == "category_not_empty")
            #expect(deleted == .noContent)
            #expect(renamed == .ok)
            let rows = after["items"] as? [[String: Any]] ?? []
            #expect(rows.compactMap { $0["name"] as? String }.contains("Hiking"))
            #expect(!rows.contains { $0["id"] as? String == boots })
            #expect(rows.first { $0["id"] as? String == outdoorID }?["productCount"] as? Int == 1)
            let hits = (found["items"] as? [[String: Any]] ?? []).compactMap { $0["slug"] as? String }
            #expect(hits == ["trail-boots"])
            #expect(rows.first { $0["id"] as? String == sneakers }?["productCount"] as? Int == 1)
        }
    }
}
