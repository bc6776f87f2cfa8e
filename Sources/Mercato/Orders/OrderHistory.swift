import Fluent
import Foundation
import SQLKit

/// Order summaries for lists: a customer's history, the admin's order list.
extension OrderService {
    /// A customer's orders, newest first (at most 200).
    func history(ofCustomer customerID: UUID) async throws -> [OrderSummaryDTO] {
        let orders = try await Order.query(on: db).filter(\.$customerID == customerID).sort(\.$createdAt, .descending)
            .limit(200).all()
        return try await summaries(of: orders)
    }

    /// The newest orders (at most 100), optionally in one status.
    func recent(status: OrderStatus?) async throws -> [OrderSummaryDTO] {
        var query = Order.query(on: db).sort(\.$createdAt, .descending).limit(100)
        if let status { query = query.filter(\.$status == status) }
        return try await summaries(of: try await query.all())
    }

    private func summaries(of orders: [Order]) async throws -> [OrderSummaryDTO] {
        let ids = try orders.map { try $0.requireID() }
        // One grouped query for every order's item count, not one per order.
        var counts: [UUID: Int] = [:]
        if !ids.isEmpty {
            let rows = try await db.sql.raw(
                """
                SELECT order_id, SUM(quantity) AS items FROM order_lines
                WHERE order_id IN (\(binds: ids)) GROUP BY order_id
                """
            ).all()
            for row in rows {
                counts[try row.decode(column: "order_id", as: UUID.self)] = try row.decode(
                    column: "items", as: Int.self)
            }
        }
        return try orders.map { order in
            OrderSummaryDTO(
                id: try order.requireID(), number: order.number, status: order.status,
                total: Money(amount: order.total, currency: order.currency),
                itemCount: counts[try order.requireID()] ?? 0, createdAt: order.createdAt)
        }
    }
}
