import Fluent
import Foundation
import SQLKit

/// Moves orders through their state machine, recording who did what and when.
struct OrderService {
    let db: any Database
    /// The shop's public address, for links in the emails transitions send.
    var baseURL: String = ""

    /// Moves `order` to `next` if the state machine allows it from the status it has *in the
    /// database* (a conditional update, so two racing callers can't both move it).
    @discardableResult
    func transition(
        _ order: Order, to next: OrderStatus, actor: String, note: String? = nil, shipment: Shipment? = nil
    ) async throws -> Order {
        let id = try order.requireID()
        return try await db.transaction { tx in
            guard let current = try await Order.find(id, on: tx) else { throw OrderError.notFound }
            guard current.status.canMove(to: next) else {
                throw OrderError.illegalTransition(from: current.status, to: next)
            }
            let moved = try await tx.sql.raw(
                """
                UPDATE orders SET status = \(bind: next.rawValue), updated_at = \(bind: Date())
                WHERE id = \(bind: id) AND status = \(bind: current.status.rawValue) RETURNING id
                """
            ).first()
            guard moved != nil else { throw OrderError.illegalTransition(from: current.status, to: next) }
            try await OrderTransition(orderID: id, from: current.status, to: next, actor: actor, note: note)
                .create(on: tx)
            if current.status == .pendingPayment && next == .cancelled {
                for line in try await OrderLine.query(on: tx).filter(\.$order.$id == id).all() {
                    try await InventoryReservation.release(line.quantity, of: line.variantID, on: tx)
                }
            }
            current.status = next
            if next == .shipped {
                try await OrderOutbox.queueShippingNotification(
                    of: current, shipment: shipment, baseURL: baseURL, on: tx)
            }
            return current
        }
    }

    /// Opens an order for its guest token or its owner; anything else is "not found".
    func open(id: UUID, token: String?, customerID: UUID?) async throws -> Order {
        guard let order = try await Order.find(id, on: db) else { throw OrderError.notFound }
        let byToken = token.map { SecretToken.matches($0, hash: order.tokenHash) } ?? false
        let byOwner = customerID != nil && order.customerID == customerID
        guard byToken || byOwner else { throw OrderError.notFound }
        return order
    }
}

/// Carrier details for the shipping notification.
struct Shipment: Codable, Sendable, Equatable {
    var carrier: String?
    var trackingNumber: String?
    var trackingURL: String?
}
