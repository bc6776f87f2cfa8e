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
        orders.admin(.POST, ":id", "refunds", access: .permission(.ordersRefund), use: refund)
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
    }

    func refund(req: Request) async throws -> OrderDTO {
        let order = try await find(req)
        let body = try req.content.decode(RefundRequest.self)
        return try await req.paymentFlow.refund(order, amount: body.amount, actor: try await req.staffPrincipal().actor)
            .dto(on: req.db)
    }

    private func find(_ req: Request) async throws -> Order {
        try await req.orders.find(try req.uuidParameter("id"))
    }
}
