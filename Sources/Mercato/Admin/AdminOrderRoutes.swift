import Fluent
import Foundation
import Vapor

/// Admin API for orders: list, inspect, move through the state machine, refund. Every change goes
/// through `OrderService` (and `PaymentFlow` for refunds), which owns its effects.
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
        var status: OrderStatus?
        if let raw = req.queryParameters["status"] {
            guard let known = OrderStatus(rawValue: raw) else {
                let known = OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw InvalidParameter(
                    name: "status", problem: "unknown status '\(raw.prefix(40))'; expected one of \(known)")
            }
            status = known
        }
        return OrderList(items: try await req.orders.recent(status: status))
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
        if let url = body.trackingURL {
            // It becomes a link in the customer's email: web addresses only, never javascript: or data:.
            let lowered = url.lowercased()
            guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://"), url.unicodeScalars.count <= 2_000,
                URL(string: url)?.host != nil
            else { throw InvalidField(name: "trackingURL", problem: "must be an http(s) address") }
        }
        let shipment =
            next == .shipped
            ? Shipment(carrier: body.carrier, trackingNumber: body.trackingNumber, trackingURL: body.trackingURL) : nil
        let moved = try await req.orders.transition(
            order, to: next, actor: "admin", note: body.note, shipment: shipment)
        return try await moved.dto(on: req.db)
    }

    struct RefundRequest: Content {
        /// Minor units; the whole refundable amount when omitted.
        var amount: Int64?
    }

    func refund(req: Request) async throws -> OrderDTO {
        let order = try await find(req)
        let body = try req.content.decode(RefundRequest.self)
        return try await req.paymentFlow.refund(order, amount: body.amount, actor: "admin").dto(on: req.db)
    }

    private func find(_ req: Request) async throws -> Order {
        guard let id = req.parameters.get("id", as: UUID.self) else {
            throw InvalidParameter(name: "id", problem: "must be a UUID")
        }
        return try await req.orders.find(id)
    }
}
