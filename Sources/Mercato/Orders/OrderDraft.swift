import Fluent
import Foundation
import SQLKit

/// An order as checkout has priced it, ready to be stored with its lines.
struct OrderDraft: Sendable {
    /// One line, its price frozen now.
    struct Line: Sendable, Equatable {
        var variantID: UUID
        var sku: String
        var name: String
        var quantity: Int
        var unitPrice: Int64
        var lineTotal: Int64
    }

    /// Chosen by checkout before the order row exists, so its stock reservation can name it.
    var id: UUID
    var customerID: UUID?
    var email: String
    var currency: String
    var pricing: OrderPricing
    var pricesIncludeTax: Bool
    var couponCode: String?
    var shippingMethod: String
    var shippingAddress: PostalAddress
    var paymentProvider: String
    var reservationExpiresAt: Date
    var lines: [Line]
}

extension OrderService {
    /// Stores a new order in `pending_payment` with its lines and first transition, and schedules
    /// the expiry of its stock reservation. Call inside the checkout transaction that reserved the
    /// stock, so the order and its reservation exist together or not at all.
    func create(_ draft: OrderDraft, token: String, actor: String) async throws -> Order {
        let order = Order()
        order.id = draft.id
        order.number = OrderNumber.generate()
        order.tokenHash = SecretToken.hash(token)
        order.customerID = draft.customerID
        order.email = draft.email
        order.status = .pendingPayment
        order.currency = draft.currency
        order.subtotal = draft.pricing.subtotal
        order.discount = draft.pricing.discount
        order.shipping = draft.pricing.shipping
        order.tax = draft.pricing.tax
        order.total = draft.pricing.total
        order.pricesIncludeTax = draft.pricesIncludeTax
        order.couponCode = draft.couponCode
        order.shippingMethod = draft.shippingMethod
        order.shippingAddressJSON = String(decoding: try JSONEncoder().encode(draft.shippingAddress), as: UTF8.self)
        order.paymentProvider = draft.paymentProvider
        order.amountRefunded = 0
        order.reservationExpiresAt = draft.reservationExpiresAt
        order.createdAt = Date()
        order.updatedAt = order.createdAt
        try await Self.insert(order, on: db)
        let orderID = try order.requireID()
        let lines = draft.lines.enumerated().map { position, line in
            let orderLine = OrderLine()
            orderLine.$order.id = orderID
            orderLine.variantID = line.variantID
            orderLine.sku = line.sku
            orderLine.name = line.name
            orderLine.quantity = line.quantity
            orderLine.unitPrice = line.unitPrice
            orderLine.lineTotal = line.lineTotal
            orderLine.position = position
            return orderLine
        }
        try await Self.insert(lines, on: db)
        let opened = OrderTransition(orderID: orderID, from: nil, to: .pendingPayment, actor: actor)
        try await opened.insert(on: db)
        try await OrderOutbox.scheduleReservationExpiry(of: order, on: db)
        // The checkout response shows them without reading them back.
        order.$lines.value = lines
        order.$transitions.value = [opened]
        return order
    }

    // The order, its lines and first transition are written with plain statements: Fluent's model
    // writes reflect over every property (over twenty on an order) for each row.

    private static func insert(_ order: Order, on db: any Database) async throws {
        try await db.sql.raw(
            """
            INSERT INTO orders (id, number, token_hash, customer_id, email, status, currency, subtotal, discount,
                shipping, tax, total, prices_include_tax, coupon_code, shipping_method, shipping_address,
                payment_provider, payment_id, amount_refunded, reservation_expires_at, paid_at, created_at, updated_at)
            VALUES (\(bind: order.id), \(bind: order.number), \(bind: order.tokenHash), \(bind: order.customerID),
                \(bind: order.email), \(bind: order.status.rawValue), \(bind: order.currency), \(bind: order.subtotal),
                \(bind: order.discount), \(bind: order.shipping), \(bind: order.tax), \(bind: order.total),
                \(bind: order.pricesIncludeTax), \(bind: order.couponCode), \(bind: order.shippingMethod),
                \(bind: order.shippingAddressJSON), \(bind: order.paymentProvider), NULL, \(bind: order.amountRefunded),
                \(bind: order.reservationExpiresAt), NULL, \(bind: order.createdAt), \(bind: order.updatedAt))
            """
        ).run()
        order.$id.exists = true
    }

    private static func insert(_ lines: [OrderLine], on db: any Database) async throws {
        guard !lines.isEmpty else { return }
        let rows = lines.map { line -> any SQLExpression in
            line.id = line.id ?? UUID()
            return SQLGroupExpression([
                SQLBind(line.id), SQLBind(line.$order.id), SQLBind(line.variantID), SQLBind(line.sku),
                SQLBind(line.name), SQLBind(line.quantity), SQLBind(line.unitPrice), SQLBind(line.lineTotal),
                SQLBind(line.position),
            ])
        }
        try await db.sql.raw(
            """
            INSERT INTO order_lines (id, order_id, variant_id, sku, name, quantity, unit_price, line_total, position)
            VALUES \(SQLList(rows))
            """
        ).run()
        for line in lines { line.$id.exists = true }
    }
}
