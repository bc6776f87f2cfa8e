import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// A shop ready to sell: a catalogue, the demo shipping methods (standard: €4.90, free from €50,
/// to DE and neighbours; express by weight; international €19.90), tax rates (DE 19 %) and
/// the WELCOME10 coupon, with Store API helpers that act the way a client would.
enum CommerceFixtures {
    static let germany = PostalAddress(
        name: "Ana Example", line1: "Hauptstraße 1", line2: nil, city: "Berlin", postalCode: "10115", country: "DE",
        region: nil)

    static func withShop(
        on backend: DatabaseBackend = .sqlite, suite: String = #fileID, _ products: [NewProduct],
        _ body: (Application) async throws -> Void
    ) async throws {
        try await CatalogFixtures.withCatalog(on: backend, suite: suite, products) { app in
            _ = try await DemoCommerceSeeder(database: app.db).run()
            try await body(app)
        }
    }

    struct CartHandle: Sendable {
        var id: UUID
        var token: String

        var headers: HTTPHeaders { [CartRoutes.tokenHeader: token] }
    }

    static func createCart(_ app: Application, bearer: String? = nil) async throws -> CartHandle {
        var handle: CartHandle?
        var headers: HTTPHeaders = [:]
        if let bearer { headers.bearerAuthorization = .init(token: bearer) }
        try await app.testing().test(.POST, "/api/v1/carts", headers: headers) { response in
            #expect(response.status == .created)
            let cart = try response.content.decode(CartDTO.self)
            handle = CartHandle(id: cart.id, token: try #require(cart.token))
        }
        return try #require(handle)
    }

    /// Adds an item and returns the response status and error code, if any.
    @discardableResult
    static func add(
        _ app: Application, _ cart: CartHandle, sku: String, quantity: Int
    ) async throws -> (HTTPStatus, String?) {
        try await send(
            app, .POST, "/api/v1/carts/\(cart.id)/items", headers: cart.headers,
            json: ["sku": sku, "quantity": quantity])
    }

    static func checkoutBody(
        _ cart: CartHandle, email: String = "ana@example.com", method: String = "standard",
        address: PostalAddress = germany
    ) -> [String: Any] {
        [
            "cartId": cart.id.uuidString, "email": email, "shippingMethod": method,
            "shippingAddress": [
                "name": address.name, "line1": address.line1, "city": address.city, "postalCode": address.postalCode,
                "country": address.country,
            ].merging(address.region.map { ["region": $0] } ?? [:]) { $1 },
        ]
    }

    /// Checks out and returns the order (201) or the error code.
    static func checkout(
        _ app: Application, _ cart: CartHandle, email: String = "ana@example.com", method: String = "standard",
        address: PostalAddress = germany
    ) async throws -> (order: OrderDTO?, status: HTTPStatus, code: String?) {
        var result: (OrderDTO?, HTTPStatus, String?) = (nil, .internalServerError, nil)
        try await app.testing().test(
            .POST, "/api/v1/checkout", headers: cart.headers.merging(["Content-Type": "application/json"]),
            body: json(checkoutBody(cart, email: email, method: method, address: address))
        ) { response in
            result.1 = response.status
            if response.status == .created {
                result.0 = try response.content.decode(OrderDTO.self)
            } else {
                result.2 = errorCode(response.body)
            }
        }
        return result
    }

    /// Pays an order with a test card; returns the order as answered and the status.
    static func pay(
        _ app: Application, _ order: OrderDTO, card: String = TestPaymentProvider.Card.succeeds
    ) async throws -> (order: OrderDTO?, status: HTTPStatus, code: String?) {
        var result: (OrderDTO?, HTTPStatus, String?) = (nil, .internalServerError, nil)
        try await app.testing().test(
            .POST, "/api/v1/orders/\(order.id)/payment",
            headers: [OrderRoutes.tokenHeader: order.token ?? "", "Content-Type": "application/json"],
            body: json(["card": card])
        ) { response in
            result.1 = response.status
            if response.status == .ok {
                result.0 = try response.content.decode(OrderDTO.self)
            } else {
                result.2 = errorCode(response.body)
            }
        }
        return result
    }

    /// Sends a JSON request and returns the status and the error code of a failure.
    static func send(
        _ app: Application, _ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:],
        json body: [String: Any]? = nil,
        rawBody: String? = nil
    ) async throws -> (HTTPStatus, String?) {
        var result: (HTTPStatus, String?) = (.internalServerError, nil)
        var headers = headers
        headers.replaceOrAdd(name: .contentType, value: "application/json")
        let buffer = rawBody.map { ByteBuffer(string: $0) } ?? body.map { json($0) }
        try await app.testing().test(method, path, headers: headers, body: buffer) { response in
            result = (response.status, response.status.code >= 400 ? errorCode(response.body) : nil)
        }
        return result
    }

    static func json(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data()))
    }

    static func errorCode(_ body: ByteBuffer) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return nil }
        return error["code"] as? String
    }

    /// On hand and reserved for a SKU, straight from the inventory table.
    static func stock(_ app: Application, sku: String) async throws -> (onHand: Int, reserved: Int) {
        let row = try await app.db.sql.raw(
            """
            SELECT i.on_hand, i.reserved FROM inventory_levels i JOIN variants v ON v.id = i.variant_id
            WHERE v.sku = \(bind: sku)
            """
        ).first()
        let found = try #require(row)
        return (try found.decode(column: "on_hand", as: Int.self), try found.decode(column: "reserved", as: Int.self))
    }

    /// Jobs queued of a kind (the outbox), e.g. confirmation emails.
    static func queuedJobs(_ app: Application, kind: JobKind) async throws -> [String] {
        try await app.db.sql.raw("SELECT payload FROM jobs WHERE kind = \(bind: kind.rawValue)").all()
            .map { try $0.decode(column: "payload", as: String.self).replacingOccurrences(of: "\\/", with: "/") }
    }
}

extension HTTPHeaders {
    func merging(_ other: HTTPHeaders) -> HTTPHeaders {
        var result = self
        for (name, value) in other { result.replaceOrAdd(name: name, value: value) }
        return result
    }
}
