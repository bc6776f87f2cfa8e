import Fluent
import Foundation
import Vapor

/// Admin API for orders: list, inspect, move through the state machine, refund. Every change goes
/// through `OrderService` (and `PaymentFlow` for refunds), which owns its effects.
struct AdminOrderRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let orders = routes.grouped("api", "v1", "admin", "orders")
        orders.admin(.GET, access: .permission(.ordersRead), use: list)
        orders.admin(.GET, ":id", access: .permission(.ordersRead), use: show)
        orders.admin(.POST, ":id", "transitions", access: .permission(.ordersWrite), use: transition)
        // Up to 100 restock lines, each of which may carry fields we ignore, outgrow the 16 kB default;
        // a body that long should be answered by the restock bound (400), not cut off (413).
        orders.admin(
            .POST, ":id", "refunds", access: .permission(.ordersRefund), body: .collect(maxSize: "256kb"),
            use: refund)
    }

    struct OrderList: Content {
        var items: [OrderSummaryDTO]
    }

    func list(req: Request) async throws -> OrderList {
        let status = try req.queryParameters["status"].map { try OrderStatus.parse($0, parameter: "status") }
        return OrderList(items: try await req.orders.recent(status: status))
    }

    func show(req: Request) async throws -> OrderDTO {
        try await find(req).dto(on: req.db)
    }

    func transition(req: Request) async throws -> OrderDTO {
        let order = try await find(req)
        let body = try req.content.decode(StaffTransitionRequest.self)
        return try await req.orders.applyStaffTransition(body, to: order, actor: try await req.staffPrincipal().actor)
            .dto(on: req.db)
    }

    struct RefundRequest: Content {
        /// Minor units; the whole refundable amount when omitted.
        var amount: Int64?
        /// Goods coming back to the shelf with this refund.
        var restock: [RestockLine]?
    }

    struct RestockLine: Content {
        var variantId: UUID
        var quantity: Int
    }

    func refund(req: Request) async throws -> OrderDTO {
        let order = try await find(req)
        let body = try req.content.decode(RefundRequest.self)
        let restock = try (body.restock ?? []).enumerated().map { index, line in
            guard 1...CartError.maximumQuantity ~= line.quantity else {
                throw InvalidField(
                    name: "restock[\(index)].quantity", problem: "must be from 1 to \(CartError.maximumQuantity)")
            }
            return StockLine(variantID: line.variantId, quantity: line.quantity)
        }
        guard restock.count <= 100 else { throw InvalidField(name: "restock", problem: "must have at most 100 lines") }
        return try await req.paymentFlow.refund(
            order, amount: body.amount, restock: restock, actor: try await req.staffPrincipal().actor
        ).dto(on: req.db)
    }

    private func find(_ req: Request) async throws -> Order {
        try await req.orders.find(try req.uuidParameter("id"))
    }
}
