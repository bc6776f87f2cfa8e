import Fluent
import Foundation
import Vapor

/// Admin API for orders: list, inspect, move through the state machine, refund.
struct AdminOrderRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let orders = routes.grouped("api", "v1", "admin", "orders").grouped(AdminTokenMiddleware())
        orders.get(use: list)
        orders.get(":id", use: show)
        orders.post(":id", "transitions", use: transition)
        orders.post(":id", "refunds", use: refund)
    }

    struct OrderList: Content {
        var items: [OrderSummaryDTO]
    }

    func list(req: Request) async throws -> OrderList {
        var query = Order.query(on: req.db).sort(\.$createdAt, .descending).limit(100)
        if let raw = req.queryParameters["status"] {
            guard let status = OrderStatus(rawValue: raw) else {
                let known = OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw InvalidParameter(
                    name: "status", problem: "unknown status '\(raw.prefix(40))'; expected one of \(known)")
            }
            query = query.filter(\.$status == status)
        }
        let items = try await OrderHistory.summaries(of: try await query.all(), on: req.db)
        return OrderList(items: items)
    }

    func show(req: Request) async throws -> OrderDTO {
        try await find(req).dto(on: req.db)
    }

    struct TransitionRequest: Content {
        var to: String
        var note: String?
        var carrier: String?
        var trackingNumber: String?
        var trackingURL: String?
    }

    func transition(req: Request) async throws -> OrderDTO {
        let order = try await find(req)
        let body = try req.content.decode(TransitionRequest.self)
        guard let next = OrderStatus(rawValue: body.to) else {
            let known = OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw InvalidField(name: "to", problem: "unknown status '\(body.to.prefix(40))'; expected one of \(known)")
        }
        guard next != .paid, next != .refunded, next != .partiallyRefunded else {
            throw InvalidField(
                name: "to", problem: "'\(next.rawValue)' follows from payments and refunds, not a manual transition")
        }
        // Unicode scalars, as the OpenAPI document's maxLength counts them.
        guard (body.note?.unicodeScalars.count ?? 0) <= 500 else {
            throw InvalidField(name: "note", problem: "must be at most 500 characters")
        }
        let shipment =
            next == .shipped
            ? Shipment(carrier: body.carrier, trackingNumber: body.trackingNumber, trackingURL: body.trackingURL) : nil
        let moved = try await OrderService(db: req.db, baseURL: req.application.settings.server.baseURL).transition(
            order, to: next, actor: "admin", note: body.note, shipment: shipment)
        if next == .cancelled {
            if let paymentID = moved.paymentID {
                _ = try? await req.application.payments.cancelPayment(
                    id: paymentID, idempotencyKey: "order-\(try moved.requireID())-cancel")
            }
            try await req.application.catalogCache.invalidate()
        }
        return try await moved.dto(on: req.db)
    }

    struct RefundRequest: Content {
        /// Minor units; the whole refundable amount when omitted.
        var amount: Int64?
    }

    func refund(req: Request) async throws -> OrderDTO {
        let order = try await find(req)
        let body = try req.content.decode(RefundRequest.self)
        if let amount = body.amount, amount <= 0 { throw OrderError.invalidRefundAmount }
        return try await PaymentFlow(app: req.application).refund(order, amount: body.amount, actor: "admin")
            .dto(on: req.db)
    }

    private func find(_ req: Request) async throws -> Order {
        guard let id = req.parameters.get("id", as: UUID.self) else {
            throw InvalidParameter(name: "id", problem: "must be a UUID")
        }
        guard let order = try await Order.find(id, on: req.db) else { throw OrderError.notFound }
        return order
    }
}
