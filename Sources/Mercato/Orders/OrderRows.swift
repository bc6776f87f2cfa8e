import Fluent
import Foundation
import SQLKit

// Orders, their lines and transitions read with plain statements on the paths every shopper takes
// (opening an order to pay it, its answer): Fluent's model reads reflect over every property of
// every row, and an order has over twenty.

extension Order {
    /// The order with this id, or nil.
    static func read(id: UUID, on db: any Database) async throws -> Order? {
        let row = try await db.sql.raw(
            """
            SELECT id, number, token_hash, customer_id, email, status, currency, subtotal, discount, shipping, tax,
                total, prices_include_tax, coupon_code, shipping_method, shipping_address, payment_provider,
                payment_id, amount_refunded, reservation_expires_at, paid_at, created_at, updated_at
            FROM orders WHERE id = \(bind: id)
            """
        ).first()
        return try row.map(Order.init(row:))
    }

    private convenience init(row: any SQLRow) throws {
        self.init()
        id = try row.decode(column: "id", as: UUID.self)
        number = try row.decode(column: "number", as: String.self)
        tokenHash = try row.decode(column: "token_hash", as: String.self)
        customerID = try row.decode(column: "customer_id", as: UUID?.self)
        email = try row.decode(column: "email", as: String.self)
        status = try row.decodeStored(column: "status", as: OrderStatus.self)
        currency = try row.decode(column: "currency", as: String.self)
        (subtotal, discount) = (try row.decode(column: "subtotal"), try row.decode(column: "discount"))
        (shipping, tax, total) = (
            try row.decode(column: "shipping"), try row.decode(column: "tax"), try row.decode(column: "total")
        )
        pricesIncludeTax = try row.decode(column: "prices_include_tax", as: Bool.self)
        couponCode = try row.decode(column: "coupon_code", as: String?.self)
        shippingMethod = try row.decode(column: "shipping_method", as: String.self)
        shippingAddressJSON = try row.decode(column: "shipping_address", as: String.self)
        paymentProvider = try row.decode(column: "payment_provider", as: String.self)
        paymentID = try row.decode(column: "payment_id", as: String?.self)
        amountRefunded = try row.decode(column: "amount_refunded", as: Int64.self)
        reservationExpiresAt = try row.decode(column: "reservation_expires_at", as: Date.self)
        paidAt = try row.decode(column: "paid_at", as: Date?.self)
        createdAt = try row.decode(column: "created_at", as: Date.self)
        updatedAt = try row.decode(column: "updated_at", as: Date.self)
        $id.exists = true
    }
}

extension OrderLine {
    /// The order's lines in their checkout order.
    static func read(order orderID: UUID, on db: any Database) async throws -> [OrderLine] {
        try await db.sql.raw(
            """
            SELECT id, variant_id, sku, name, quantity, unit_price, line_total, position
            FROM order_lines WHERE order_id = \(bind: orderID) ORDER BY position
            """
        ).all().map { row in
            let line = OrderLine()
            line.id = try row.decode(column: "id", as: UUID.self)
            line.$order.id = orderID
            line.variantID = try row.decode(column: "variant_id", as: UUID.self)
            line.sku = try row.decode(column: "sku", as: String.self)
            line.name = try row.decode(column: "name", as: String.self)
            line.quantity = try row.decode(column: "quantity", as: Int.self)
            line.unitPrice = try row.decode(column: "unit_price", as: Int64.self)
            line.lineTotal = try row.decode(column: "line_total", as: Int64.self)
            line.position = try row.decode(column: "position", as: Int.self)
            line.$id.exists = true
            return line
        }
    }
}

extension OrderTransition {
    /// The order's transitions, oldest first.
    static func read(order orderID: UUID, on db: any Database) async throws -> [OrderTransition] {
        try await db.sql.raw(
            """
            SELECT id, from_status, to_status, actor, note, created_at
            FROM order_transitions WHERE order_id = \(bind: orderID) ORDER BY created_at
            """
        ).all().map { row in
            let transition = OrderTransition()
            transition.id = try row.decode(column: "id", as: UUID.self)
            transition.$order.id = orderID
            transition.fromStatus =
                try row.decodeNil(column: "from_status")
                ? nil : row.decodeStored(column: "from_status", as: OrderStatus.self)
            transition.toStatus = try row.decodeStored(column: "to_status", as: OrderStatus.self)
            transition.actor = try row.decode(column: "actor", as: String.self)
            transition.note = try row.decode(column: "note", as: String?.self)
            transition.createdAt = try row.decode(column: "created_at", as: Date.self)
            transition.$id.exists = true
            return transition
        }
    }

    /// Stores the transition with one plain statement.
    func insert(on db: any Database) async throws {
        try await db.sql.raw(
            """
            INSERT INTO order_transitions (id, order_id, from_status, to_status, actor, note, created_at)
            VALUES (\(bind: id ?? UUID()), \(bind: $order.id), \(bind: fromStatus?.rawValue), \(bind: toStatus.rawValue),
                \(bind: actor), \(bind: note), \(bind: createdAt))
            """
        ).run()
        $id.exists = true
    }
}
