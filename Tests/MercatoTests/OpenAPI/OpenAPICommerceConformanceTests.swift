import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Proves the commerce side of the OpenAPI document (carts, checkout, orders, payments, accounts,
/// the Admin API) describes what the server answers: every response below, successes and errors,
/// is checked for a documented status, headers and exactly the documented body.
@Suite(.serialized) struct OpenAPICommerceConformanceTests {
    static let catalogue = [
        CatalogFixtures.product("Court Sneakers", category: "sneakers", price: 7_500, stock: 5),
        CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30),
    ]

    static let admin: HTTPHeaders = ["Authorization": "Bearer mk_test-owner-key"]

    static func bearer(_ token: String) -> HTTPHeaders { ["Authorization": "Bearer \(token)"] }

    static var address: [String: Any] {
        [
            "name": "Ana Example", "line1": "Hauptstraße 1", "line2": "Hinterhaus", "city": "Berlin",
            "postalCode": "10115", "country": "de", "region": "by",
        ]
    }

    /// Sends a request, checks the answer against the document and returns its status and body.
    @discardableResult
    private static func call(
        _ app: Application, _ spec: inout OpenAPISpec, _ method: HTTPMethod, _ path: String,
        headers: HTTPHeaders = [:], json: [String: Any]? = nil, expect status: HTTPStatus,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue? {
        let response = try await app.send(method, path, headers: headers, json: json)
        #expect(
            response.status == status, "\(method) \(path) → \(response.status.code) \(response.body.string)",
            sourceLocation: sourceLocation)
        return try spec.check(response, method: method.rawValue, path: path, sourceLocation: sourceLocation)
    }

    @Test func storeAndAdminResponsesHaveExactlyTheDocumentedShape() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            var spec = try await OpenAPISpec.fetch(from: app)

            // Carts, as a guest.
            let cart = try #require(try await Self.call(app, &spec, .POST, "/api/v1/carts", expect: .created))
            let cartID = try #require(cart["id"]?.string)
            let cartToken: HTTPHeaders = ["X-Cart-Token": try #require(cart["token"]?.string)]
            let cartPath = "/api/v1/carts/\(cartID)"
            let added = try await Self.call(
                app, &spec, .POST, "\(cartPath)/items", headers: cartToken,
                json: ["sku": "SKU-court-sneakers", "quantity": 1], expect: .ok)
            #expect(added?["items"]?.array?.count == 1)
            #expect(added?["token"] == nil)
            try await Self.call(
                app, &spec, .POST, "\(cartPath)/items", headers: cartToken,
                json: ["sku": "SKU-basic-tee", "quantity": 3], expect: .ok)
            for quantity in [0, 100] {
                let body = try await Self.call(
                    app, &spec, .POST, "\(cartPath)/items", headers: cartToken,
                    json: ["sku": "SKU-basic-tee", "quantity": quantity], expect: .badRequest)
                #expect(body?["error"]?["code"] == .string("invalid_quantity"))
            }
            let tooMany = try await Self.call(
                app, &spec, .PATCH, "\(cartPath)/items/SKU-court-sneakers", headers: cartToken,
                json: ["quantity": 6], expect: .conflict)
            #expect(tooMany?["error"]?["code"] == .string("insufficient_stock"))
            try await Self.call(
                app, &spec, .PATCH, "\(cartPath)/items/SKU-court-sneakers", headers: cartToken,
                json: ["quantity": 2], expect: .ok)
            try await Self.call(
                app, &spec, .POST, "\(cartPath)/items", headers: cartToken,
                json: ["sku": "SKU-nothing", "quantity": 1], expect: .unprocessableEntity)
            try await Self.call(
                app, &spec, .DELETE, "\(cartPath)/items/SKU-nothing", headers: cartToken, expect: .notFound)
            try await Self.call(
                app, &spec, .POST, "\(cartPath)/items", headers: cartToken, json: ["sku": 1], expect: .badRequest)
            try await Self.call(
                app, &spec, .POST, "\(cartPath)/items", headers: cartToken, expect: .unsupportedMediaType)
            try await Self.call(
                app, &spec, .PUT, "\(cartPath)/coupon", headers: cartToken, json: ["code": "NOPE"],
                expect: .unprocessableEntity)
            try await Self.call(app, &spec, .GET, cartPath, expect: .notFound)
            try await Self.call(app, &spec, .GET, "/api/v1/carts/not-a-uuid", headers: cartToken, expect: .notFound)
            try await Self.call(
                app, &spec, .GET, cartPath, headers: cartToken.merging(Self.bearer("forged")), expect: .unauthorized)

            // A coupon with a minimum the basket later falls below: the cart says why it doesn't apply.
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/coupons", headers: Self.admin,
                json: [
                    "code": "big-spender", "kind": "fixed", "value": 1_000, "currency": "eur",
                    "minimumSubtotal": 15_000, "startsAt": "2026-01-01T00:00:00Z", "endsAt": "2099-01-01T00:00:00Z",
                    "usageLimit": 100, "perCustomerLimit": 1,
                ], expect: .created)
            let discounted = try await Self.call(
                app, &spec, .PUT, "\(cartPath)/coupon", headers: cartToken, json: ["code": "BIG-SPENDER"], expect: .ok)
            #expect(discounted?["couponCode"] == .string("BIG-SPENDER"))
            let belowMinimum = try await Self.call(
                app, &spec, .DELETE, "\(cartPath)/items/SKU-court-sneakers", headers: cartToken, expect: .ok)
            #expect(belowMinimum?["couponProblem"]?.string != nil)
            try await Self.call(app, &spec, .DELETE, "\(cartPath)/coupon", headers: cartToken, expect: .ok)
            try await Self.call(
                app, &spec, .PUT, "\(cartPath)/coupon", headers: cartToken, json: ["code": "WELCOME10"], expect: .ok)
            try await Self.call(app, &spec, .GET, cartPath, headers: cartToken, expect: .ok)

            // Shipping methods.
            let shipping = try await Self.call(app, &spec, .GET, "/api/v1/shipping-methods?country=de", expect: .ok)
            #expect(shipping?["items"]?.array?.isEmpty == false)
            try await Self.call(app, &spec, .GET, "/api/v1/shipping-methods?country=DEU", expect: .badRequest)

            // Checkout and the order.
            var checkout: [String: Any] = [
                "cartId": cartID, "email": "Ana@Example.com", "shippingMethod": "standard",
                "shippingAddress": Self.address,
            ]
            checkout["shippingMethod"] = "by-pigeon"
            try await Self.call(
                app, &spec, .POST, "/api/v1/checkout", headers: cartToken, json: checkout,
                expect: .unprocessableEntity)
            checkout["shippingMethod"] = "standard"
            try await Self.call(
                app, &spec, .POST, "/api/v1/checkout", headers: cartToken,
                json: checkout.merging(["email": "not an address"]) { $1 }, expect: .badRequest)
            let order = try #require(
                try await Self.call(
                    app, &spec, .POST, "/api/v1/checkout", headers: cartToken, json: checkout, expect: .created))
            let orderID = try #require(order["id"]?.string)
            let orderToken: HTTPHeaders = ["X-Order-Token": try #require(order["token"]?.string)]
            #expect(order["shippingAddress"]?["region"] == .string("BY"))
            let closed = try await Self.call(
                app, &spec, .POST, "/api/v1/checkout", headers: cartToken, json: checkout, expect: .conflict)
            #expect(closed?["error"]?["code"] == .string("cart_closed"))
            let orderPath = "/api/v1/orders/\(orderID)"
            try await Self.call(app, &spec, .GET, orderPath, headers: orderToken, expect: .ok)
            try await Self.call(app, &spec, .GET, orderPath, expect: .notFound)

            // Payment: a card that needs authentication, approved, then the customer is back.
            try await Self.call(
                app, &spec, .POST, "\(orderPath)/payment", headers: orderToken, json: ["card": "12"],
                expect: .badRequest)
            try await Self.call(
                app, &spec, .POST, "\(orderPath)/payment", headers: orderToken,
                json: ["card": TestPaymentProvider.Card.declines], expect: .paymentRequired)
            let pending = try await Self.call(
                app, &spec, .POST, "\(orderPath)/payment", headers: orderToken,
                json: ["card": TestPaymentProvider.Card.requiresAuthentication], expect: .ok)
            #expect(pending?["payment"]?["nextActionURL"]?.string != nil)
            let paymentID = try #require(pending?["payment"]?["id"]?.string)
            try await Self.call(
                app, &spec, .POST, "/api/v1/payments/test/\(paymentID)/authentication", json: ["approve": true],
                expect: .ok)
            try await Self.call(
                app, &spec, .POST, "/api/v1/payments/test/tp_unknown/authentication", json: ["approve": true],
                expect: .badRequest)
            let paid = try await Self.call(
                app, &spec, .POST, "\(orderPath)/payment/sync", headers: orderToken, expect: .ok)
            #expect(paid?["status"] == .string("paid"))
            #expect(paid?["paidAt"] != nil)
            try await Self.call(app, &spec, .GET, "/api/v1/payments/config", expect: .ok)

            // Webhooks: a forged one is refused; a signed one is applied once.
            let provider = try #require(app.payments as? TestPaymentProvider)
            let event = Array(#"{"id":"evt_1","type":"payment.succeeded","data":{"paymentId":"tp_none"}}"#.utf8)
            let signature = TestPaymentProvider.signatureHeaderValue(
                payload: event, timestamp: Int(Date().timeIntervalSince1970), secret: provider.webhookSecret)
            for (headers, status, duplicate) in [
                (HTTPHeaders([("Mercato-Signature", "t=1,v1=00")]), HTTPStatus.badRequest, false),
                (HTTPHeaders([("Mercato-Signature", signature)]), .ok, false),
                (HTTPHeaders([("Mercato-Signature", signature)]), .ok, true),
            ] {
                var response: TestingHTTPResponse?
                try await app.testing().test(
                    .POST, "/api/v1/webhooks/payments", headers: headers.merging(["Content-Type": "application/json"]),
                    body: ByteBuffer(bytes: event)
                ) { response = $0 }
                let answered = try #require(response)
                #expect(answered.status == status)
                let body = try spec.check(answered, method: "POST", path: "/api/v1/webhooks/payments")
                if status == .ok { #expect(body?["duplicate"] == .bool(duplicate)) }
            }

            // Accounts.
            let registration: [String: Any] = [
                "email": "bo@example.com", "password": "correct horse battery", "name": "Bo",
            ]
            try await Self.call(
                app, &spec, .POST, "/api/v1/customers", json: registration.merging(["password": "short"]) { $1 },
                expect: .badRequest)
            try await Self.call(app, &spec, .POST, "/api/v1/customers", json: registration, expect: .created)
            try await Self.call(app, &spec, .POST, "/api/v1/customers", json: registration, expect: .conflict)
            try await Self.call(
                app, &spec, .POST, "/api/v1/auth/login",
                json: ["email": "bo@example.com", "password": "wrong password"], expect: .unauthorized)
            let guest = try await CommerceFixtures.createCart(app)
            try await CommerceFixtures.add(app, guest, sku: "SKU-basic-tee", quantity: 1)
            let signedIn = try #require(
                try await Self.call(
                    app, &spec, .POST, "/api/v1/auth/login", headers: guest.headers,
                    json: ["email": "bo@example.com", "password": "correct horse battery", "cartId": "\(guest.id)"],
                    expect: .ok))
            #expect(signedIn["cartId"] == .string(guest.id.uuidString))
            let bo = Self.bearer(try #require(signedIn["token"]?.string))
            try await Self.call(app, &spec, .GET, "/api/v1/me", headers: bo, expect: .ok)
            try await Self.call(app, &spec, .GET, "/api/v1/me", expect: .unauthorized)
            try await Self.call(app, &spec, .PATCH, "/api/v1/me", headers: bo, json: ["name": " Bo B. "], expect: .ok)
            try await Self.call(app, &spec, .PATCH, "/api/v1/me", headers: bo, json: ["name": " "], expect: .badRequest)
            let saved = try await Self.call(
                app, &spec, .POST, "/api/v1/me/addresses", headers: bo, json: Self.address, expect: .created)
            let addressID = try #require(saved?["id"]?.string)
            try await Self.call(
                app, &spec, .POST, "/api/v1/me/addresses", headers: bo,
                json: Self.address.merging(["country": "Germany"]) { $1 }, expect: .badRequest)
            let addresses = try await Self.call(app, &spec, .GET, "/api/v1/me/addresses", headers: bo, expect: .ok)
            #expect(addresses?["items"]?.array?.count == 1)
            try await Self.call(
                app, &spec, .DELETE, "/api/v1/me/addresses/\(addressID)", headers: bo, expect: .noContent)
            try await Self.call(
                app, &spec, .DELETE, "/api/v1/me/addresses/\(addressID)", headers: bo, expect: .notFound)
            try await Self.call(app, &spec, .DELETE, "/api/v1/me/addresses/nope", headers: bo, expect: .badRequest)
            // The merged cart is Bo's: checked out with the bearer token alone.
            try await Self.call(
                app, &spec, .POST, "/api/v1/checkout", headers: bo,
                json: checkout.merging(["cartId": guest.id.uuidString]) { $1 }, expect: .created)
            let history = try await Self.call(app, &spec, .GET, "/api/v1/me/orders", headers: bo, expect: .ok)
            #expect(history?["items"]?.array?.count == 1)
            try await Self.call(
                app, &spec, .POST, "/api/v1/auth/password-reset", json: ["email": "bo@example.com"], expect: .accepted)
            try await Self.call(
                app, &spec, .POST, "/api/v1/auth/password-reset/confirm",
                json: ["token": "made-up", "password": "a new long password"], expect: .badRequest)
            try await Self.call(app, &spec, .POST, "/api/v1/auth/logout", headers: bo, expect: .noContent)
            try await Self.call(app, &spec, .POST, "/api/v1/auth/logout", headers: bo, expect: .unauthorized)

            // Admin API: orders.
            let adminOrder = "/api/v1/admin/orders/\(orderID)"
            try await Self.call(app, &spec, .GET, "/api/v1/admin/orders", expect: .unauthorized)
            let listed = try await Self.call(
                app, &spec, .GET, "/api/v1/admin/orders?status=paid", headers: Self.admin, expect: .ok)
            #expect(listed?["items"]?.array?.count == 1)
            try await Self.call(
                app, &spec, .GET, "/api/v1/admin/orders?status=lost", headers: Self.admin, expect: .badRequest)
            try await Self.call(app, &spec, .GET, adminOrder, headers: Self.admin, expect: .ok)
            try await Self.call(
                app, &spec, .GET, "/api/v1/admin/orders/\(UUID())", headers: Self.admin, expect: .notFound)
            try await Self.call(
                app, &spec, .POST, "\(adminOrder)/transitions", headers: Self.admin, json: ["to": "paid"],
                expect: .badRequest)
            try await Self.call(
                app, &spec, .POST, "\(adminOrder)/transitions", headers: Self.admin, json: ["to": "delivered"],
                expect: .conflict)
            let fulfilled = try await Self.call(
                app, &spec, .POST, "\(adminOrder)/transitions", headers: Self.admin,
                json: ["to": "fulfilled", "note": "packed"], expect: .ok)
            #expect(fulfilled?["transitions"]?.array?.last?["note"] == .string("packed"))
            try await Self.call(
                app, &spec, .POST, "\(adminOrder)/refunds", headers: Self.admin, json: ["amount": 10_000_000],
                expect: .unprocessableEntity)
            try await Self.call(
                app, &spec, .POST, "\(adminOrder)/refunds", headers: Self.admin, json: ["amount": 0],
                expect: .badRequest)
            let refunded = try await Self.call(
                app, &spec, .POST, "\(adminOrder)/refunds", headers: Self.admin, json: ["amount": 100], expect: .ok)
            #expect(refunded?["status"] == .string("partially_refunded"))

            // Admin API: coupons, shipping methods, tax rates.
            try await Self.call(app, &spec, .GET, "/api/v1/admin/coupons", headers: Self.admin, expect: .ok)
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/coupons", headers: Self.admin,
                json: ["code": "WELCOME10", "kind": "percentage", "value": 500], expect: .conflict)
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/coupons", headers: Self.admin,
                json: ["code": "HALF", "kind": "percentage", "value": 10_001], expect: .badRequest)
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/shipping-methods", headers: Self.admin,
                json: [
                    "code": "Freight", "name": "Freight", "zone": "de, at", "rateKind": "weight", "currency": "eur",
                    "weightBands": [["upToGrams": 20_000, "amount": 2_500]], "freeOver": 50_000,
                ], expect: .created)
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/shipping-methods", headers: Self.admin,
                json: [
                    "code": "freight", "name": "Again", "zone": "DE", "rateKind": "flat", "flatAmount": 0,
                    "currency": "EUR",
                ], expect: .conflict)
            try await Self.call(app, &spec, .GET, "/api/v1/admin/shipping-methods", headers: Self.admin, expect: .ok)
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/tax-rates", headers: Self.admin,
                json: ["country": "us", "region": "NY", "name": "Sales tax", "rateBasisPoints": 400], expect: .created)
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/tax-rates", headers: Self.admin,
                json: ["country": "US", "region": "ny", "name": "Again", "rateBasisPoints": 400], expect: .conflict)
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/tax-rates", headers: Self.admin,
                json: ["country": "US", "name": "Sales tax", "rateBasisPoints": 10_001], expect: .badRequest)
            try await Self.call(app, &spec, .GET, "/api/v1/admin/tax-rates", headers: Self.admin, expect: .ok)

            // The jobs checkout and payment queued (reservation expiry, emails), as the Admin API lists them.
            let jobs = try await Self.call(
                app, &spec, .GET, "/api/v1/admin/jobs?status=queued", headers: Self.admin, expect: .ok)
            let jobID = try #require(jobs?["jobs"]?.array?.first?["id"]?.string)
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/jobs/\(jobID)/retry", headers: Self.admin, expect: .conflict)

            // A body past the 16 kB the server reads: only a real HTTP server enforces the limit.
            var tooLarge: TestingHTTPResponse?
            try await app.testing(method: .running(hostname: "127.0.0.1", port: 0)).test(
                .POST, "/api/v1/customers", headers: ["Content-Type": "application/json"],
                body: ByteBuffer(string: #"{"name": ""# + String(repeating: "a", count: 20_000) + #""}"#)
            ) { tooLarge = $0 }
            let tooLargeResponse = try #require(tooLarge)
            #expect(tooLargeResponse.status == .payloadTooLarge)
            try spec.check(tooLargeResponse, method: "POST", path: "/api/v1/customers")

            // Every field of every schema these operations answer with was sent at least once.
            let exercised = spec.operations.filter { operation in
                ["carts", "checkout", "orders", "shipping-methods", "customers", "auth", "me", "payments", "webhooks"]
                    .contains { operation.contains("/api/v1/\($0)") }
                    || ["orders", "coupons", "shipping-methods", "tax-rates"]
                        .contains { operation.contains("/api/v1/admin/\($0)") }
            }
            #expect(exercised.count == 36)
            #expect(
                exercised.subtracting(spec.checkedOperations).isEmpty,
                "never checked: \(exercised.subtracting(spec.checkedOperations).sorted())")
            let documented = spec.documentedProperties(of: spec.schemasReachable(fromResponsesOf: exercised))
            let unseen = documented.subtracting(spec.validator.seenProperties).subtracting([
                "PaymentConfig.publishableKey"  // only with the Stripe provider
            ])
            #expect(unseen.isEmpty, "documented but never sent: \(unseen.sorted())")
        }
    }
}
