import Fluent
import Foundation
import Vapor

/// Store API carts: `/api/v1/carts`. A cart opens with its `X-Cart-Token` (guests) or the owning
/// customer's bearer token.
struct CartRoutes: RouteCollection {
    static let tokenHeader = "X-Cart-Token"

    func boot(routes: any RoutesBuilder) throws {
        let carts = routes.grouped("api", "v1", "carts")
        carts.post(use: create)
        carts.get(":id", use: show)
        carts.post(":id", "items", use: addItem)
        carts.patch(":id", "items", ":sku", use: updateItem)
        carts.delete(":id", "items", ":sku", use: removeItem)
        carts.put(":id", "coupon", use: applyCoupon)
        carts.delete(":id", "coupon", use: removeCoupon)
    }

    struct NewItem: Content {
        var sku: String
        var quantity: Int
    }

    struct QuantityChange: Content {
        var quantity: Int
    }

    struct CouponCode: Content {
        var code: String
    }

    func create(req: Request) async throws -> Response {
        let customerID = try await req.bearerCustomerID()
        let service = req.carts
        let (cart, token) = try await service.create(customerID: customerID)
        return try await service.view(cart, token: token, lines: []).encodeResponse(status: .created, for: req)
    }

    func show(req: Request) async throws -> CartDTO {
        let (service, cart, key) = try await open(req)
        return try await service.view(cart, customerKey: key)
    }

    func addItem(req: Request) async throws -> CartDTO {
        let (service, cart, key) = try await open(req)
        let body = try req.content.decode(NewItem.self)
        try await service.add(sku: body.sku, quantity: body.quantity, to: cart)
        return try await service.view(cart, customerKey: key)
    }

    func updateItem(req: Request) async throws -> CartDTO {
        let (service, cart, key) = try await open(req)
        let body = try req.content.decode(QuantityChange.self)
        try await service.setQuantity(sku: try req.parameters.require("sku"), quantity: body.quantity, in: cart)
        return try await service.view(cart, customerKey: key)
    }

    func removeItem(req: Request) async throws -> CartDTO {
        let (service, cart, key) = try await open(req)
        try await service.remove(sku: try req.parameters.require("sku"), from: cart)
        return try await service.view(cart, customerKey: key)
    }

    func applyCoupon(req: Request) async throws -> CartDTO {
        let (service, cart, key) = try await open(req)
        let body = try req.content.decode(CouponCode.self)
        try await service.applyCoupon(body.code, to: cart, customerKey: key)
        return try await service.view(cart, customerKey: key)
    }

    func removeCoupon(req: Request) async throws -> CartDTO {
        let (service, cart, key) = try await open(req)
        try await service.removeCoupon(from: cart)
        return try await service.view(cart, customerKey: key)
    }

    /// The cart named in the path, opened by token or owner; the customer key for coupon limits.
    private func open(_ req: Request) async throws -> (CartService, Cart, String?) {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw CartError.notFound }
        let customerID = try await req.bearerCustomerID()
        let service = req.carts
        let cart = try await service.open(
            id: id, token: req.headers.first(name: Self.tokenHeader), customerID: customerID)
        return (service, cart, customerID?.uuidString)
    }
}
