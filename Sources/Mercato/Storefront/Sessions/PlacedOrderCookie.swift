import Fluent
import Foundation
import Vapor

/// A guest's access to the orders this browser placed: the `mercato_orders` cookie holds each
/// order's id with the secret order token checkout returned (only its hash is in the database,
/// exactly as the Store API's `X-Order-Token`). Kept apart from the session so signing in or out
/// (which rotates the session) doesn't lock a guest out of their confirmation page.
enum PlacedOrderCookie {
    static let name = "mercato_orders"
    /// The newest orders kept; older ones stay reachable through the emailed link or an account.
    static let limit = 5

    static func entries(in request: Request) -> [(id: UUID, token: String)] {
        guard let raw = request.cookies[name]?.string else { return [] }
        return raw.split(separator: "|").prefix(limit).compactMap { entry in
            let parts = entry.split(separator: ".", maxSplits: 1)
            guard parts.count == 2, let id = UUID(uuidString: String(parts[0])) else { return nil }
            return (id, String(parts[1]))
        }
    }

    static func token(for orderID: UUID, in request: Request) -> String? {
        entries(in: request).first { $0.id == orderID }?.token
    }

    static func remember(orderID: UUID, token: String, request: Request, response: Response) {
        let kept = [(orderID, token)] + entries(in: request).filter { $0.id != orderID }
        let value = kept.prefix(limit).map { "\($0.0.uuidString).\($0.1)" }.joined(separator: "|")
        let settings = request.application.settings
        response.cookies[name] = HTTPCookies.Value(
            string: value, maxAge: settings.checkout.sessionDays * 86_400, path: "/",
            isSecure: settings.environment != .development, isHTTPOnly: true, sameSite: .lax)
    }
}

extension PlacedOrderCookie {
    /// Drops the cookie (sign-out).
    static func forget(request: Request, response: Response) {
        guard request.cookies[name] != nil else { return }
        let settings = request.application.settings
        response.cookies[name] = HTTPCookies.Value(
            string: "", maxAge: 0, path: "/", isSecure: settings.environment != .development, isHTTPOnly: true,
            sameSite: .lax)
    }
}

extension Request {
    /// An order this visitor may see: placed from this browser, or belonging to the signed-in
    /// customer. Anything else is "not found", so order ids and numbers can't be probed.
    func visibleOrder(id: UUID) async throws -> Order {
        try await orders.open(
            id: id, token: PlacedOrderCookie.token(for: id, in: self),
            customerID: try await currentWebSession()?.customerID)
    }

    func visibleOrder(number: String) async throws -> Order {
        guard let order = try await orders.find(number: number) else { throw OrderError.notFound }
        return try await visibleOrder(id: try order.requireID())
    }
}

/// The visitor's cart, found through their session.
enum StorefrontCart {
    /// The session's active cart (or the signed-in customer's), created when `create` is set.
    static func find(for request: Request, create: Bool) async throws -> Cart? {
        let session = create ? try await request.webSession() : try await request.currentWebSession()
        guard let session else { return nil }
        let carts = request.carts
        if let id = session.cartID, let cart = try await Cart.find(id, on: request.db), cart.status == .active {
            return cart
        }
        var cart: Cart?
        if let customerID = session.customerID { cart = try await carts.activeCart(ofCustomer: customerID) }
        if cart == nil, create { cart = try await carts.create(customerID: session.customerID).cart }
        if let cart, session.cartID != cart.id {
            session.cartID = try cart.requireID()
            try await session.update(on: request.db)
        }
        return cart
    }
}
