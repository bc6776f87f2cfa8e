import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Input limits the OpenAPI document states are the ones the server enforces: found by fuzzing the
/// API against the document (scripts/schemathesis-check), where a request the document calls invalid
/// must be refused. JSON Schema measures strings in Unicode scalars, so the server does too.
@Suite(.serialized) struct DocumentedInputLimitTests {
    static let catalogue = [CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30)]
    static let admin: HTTPHeaders = ["Authorization": "Bearer mk_test-owner-key"]

    /// One character that is `count` Unicode scalars long: an `e` with combining accents.
    static func accented(_ count: Int) -> String { "e" + String(repeating: "\u{301}", count: count - 1) }

    private func shippingMethodCount(_ app: Application) async throws -> Int {
        try await ShippingMethod.query(on: app.db).count()
    }

    @Test func shippingMethodAmountsAreCheckedWhateverTheRateKind() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // setup
            let before = try await shippingMethodCount(app)
            let flatWithBadBands: [String: Any] = [
                "code": "pickup", "name": "Pickup", "zone": "DE", "rateKind": "flat", "flatAmount": 0,
                "currency": "EUR", "weightBands": [["upToGrams": -1, "amount": 100]],
            ]
            let weightWithNegativeFlat: [String: Any] = [
                "code": "freight", "name": "Freight", "zone": "DE", "rateKind": "weight", "flatAmount": -5,
                "currency": "EUR", "weightBands": [["upToGrams": 1_000, "amount": 100]],
            ]
            // MUT
            let bands = try await CommerceFixtures.send(
                app, .POST, "/api/v1/admin/shipping-methods", headers: Self.admin, json: flatWithBadBands)
            let flat = try await CommerceFixtures.send(
                app, .POST, "/api/v1/admin/shipping-methods", headers: Self.admin, json: weightWithNegativeFlat)
            // validate: both refused, nothing stored
            #expect(bands == (.badRequest, "invalid_field"))
            #expect(flat == (.badRequest, "invalid_field"))
            #expect(try await shippingMethodCount(app) == before)
            // and valid ones still go in
            var valid = weightWithNegativeFlat
            valid["flatAmount"] = nil
            let created = try await CommerceFixtures.send(
                app, .POST, "/api/v1/admin/shipping-methods", headers: Self.admin, json: valid)
            #expect(created.0 == .created)
        }
    }

    @Test func taxRegionLengthCountsUnicodeScalars() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // MUT: one character, 11 scalars, past the documented maxLength 10
            let long = try await CommerceFixtures.send(
                app, .POST, "/api/v1/admin/tax-rates", headers: Self.admin,
                json: ["country": "US", "region": Self.accented(11), "name": "Sales tax", "rateBasisPoints": 700])
            let fits = try await CommerceFixtures.send(
                app, .POST, "/api/v1/admin/tax-rates", headers: Self.admin,
                json: ["country": "US", "region": Self.accented(10), "name": "Sales tax", "rateBasisPoints": 700])
            // validate
            #expect(long == (.badRequest, "invalid_field"))
            #expect(fits.0 == .created)
        }
    }

    @Test func orderNoteAndPaymentMethodLengthsCountUnicodeScalars() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // setup: a paid order
            let cart = try await CommerceFixtures.createCart(app)
            try await CommerceFixtures.add(app, cart, sku: "SKU-basic-tee", quantity: 1)
            let order = try #require(try await CommerceFixtures.checkout(app, cart).order)
            let orderHeaders: HTTPHeaders = [OrderRoutes.tokenHeader: order.token ?? ""]
            // MUT: a payment method id of 256 scalars in fewer characters
            let longMethod = String(repeating: "e\u{301}", count: 128)
            let method = try await CommerceFixtures.send(
                app, .POST, "/api/v1/orders/\(order.id)/payment", headers: orderHeaders,
                json: ["paymentMethod": longMethod])
            // validate: refused as a bad field, before the provider sees it
            #expect(method == (.badRequest, "invalid_field"))
            let paid = try await CommerceFixtures.pay(app, order)
            #expect(paid.status == .ok)

            // MUT: a note of 501 scalars in fewer characters
            let transitions = "/api/v1/admin/orders/\(order.id)/transitions"
            let longNote = try await CommerceFixtures.send(
                app, .POST, transitions, headers: Self.admin,
                json: ["to": "fulfilled", "note": String(repeating: "e\u{301}", count: 250) + "ab"])
            // validate: refused, and the order didn't move
            #expect(longNote == (.badRequest, "invalid_field"))
            let stored = try #require(try await Order.find(order.id, on: app.db))
            #expect(stored.status == .paid)
            let fits = try await CommerceFixtures.send(
                app, .POST, transitions, headers: Self.admin,
                json: ["to": "fulfilled", "note": String(repeating: "e\u{301}", count: 250)])
            #expect(fits.0 == .ok)
        }
    }

    @Test func adminJobListRefusesEmptyParametersAsTheDocumentSays() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            for query in ["limit=", "status=", "limit=&status=dead"] {
                // MUT
                let response = try await app.get("/api/v1/admin/jobs?\(query)", headers: Self.admin)
                // validate: a 400 naming the parameter, as for every other query parameter
                #expect(response.status == .badRequest, "\(query)")
                #expect(CommerceFixtures.errorCode(response.body) == "invalid_parameter", "\(query)")
            }
            let absent = try await app.get("/api/v1/admin/jobs", headers: Self.admin)
            #expect(absent.status == .ok)
        }
    }
}
