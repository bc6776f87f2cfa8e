import Fluent
import Foundation
import Vapor

/// `GET /orders/{number}` (the confirmation page, for the browser that placed the order or its
/// owner) and `GET /account/orders/{number}` (the signed-in customer's own orders only).
enum OrderPage {
    struct Context: Encodable {
        var title: String
        var number: String
        /// "paid", "pending payment".
        var status: String
        var isPendingPayment: Bool
        var payURL: String
        var email: String
        var items: [Line]
        var subtotal: String
        var discount: String?
        var shipping: String
        var tax: String
        var pricesIncludeTax: Bool
        var total: String
        var shippingMethod: String
        var address: [String]
        var placedAt: String
    }

    struct Line: Encodable {
        var name: String
        var sku: String
        var quantity: Int
        var lineTotal: String
    }

    static func show(req: Request) async throws -> Response {
        let order = try await req.visibleOrder(number: try req.parameters.require("number"))
        return try await render(req, order)
    }

    static func showInAccount(req: Request) async throws -> Response {
        let number = try req.parameters.require("number")
        guard let customer = try await req.signedInCustomer() else {
            // The confirmation email links here; a guest reading it in the browser that placed
            // the order still has it through the order cookie.
            let placedHere = try? await req.visibleOrder(number: number)
            return req.seeOther(placedHere != nil ? .order(number: number) : .accountLogin)
        }
        let order = try await req.orders.find(number: number, customerID: customer.requireID())
        return try await render(req, order)
    }

    private static func render(_ req: Request, _ order: Order) async throws -> Response {
        let dto = try await req.orders.dto(of: order)
        let context = Context(
            title: "Order \(order.number)", number: order.number,
            status: order.status.rawValue.replacingOccurrences(of: "_", with: " "),
            isPendingPayment: order.status == .pendingPayment,
            payURL: SiteURL.checkoutPay(orderID: try order.requireID()).path, email: order.email,
            items: dto.items.map {
                Line(name: $0.name, sku: $0.sku, quantity: $0.quantity, lineTotal: $0.lineTotal.formatted)
            },
            subtotal: dto.totals.subtotal.formatted,
            discount: dto.totals.discount.amount > 0 ? dto.totals.discount.formatted : nil,
            shipping: dto.totals.shipping.formatted, tax: dto.totals.tax.formatted,
            pricesIncludeTax: dto.totals.pricesIncludeTax, total: dto.totals.total.formatted,
            shippingMethod: order.shippingMethod, address: dto.shippingAddress?.lines ?? [],
            placedAt: order.createdAt.formatted(.iso8601.year().month().day()))
        return try await req.renderPrivatePage("order", context)
    }
}
