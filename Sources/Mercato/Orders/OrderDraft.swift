import Fluent
import Foundation

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
        order.id = UUID()
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
        try await order.create(on: db)
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
        try await lines.create(on: db)
        let opened = OrderTransition(orderID: orderID, from: nil, to: .pendingPayment, actor: actor)
        try await opened.create(on: db)
        try await OrderOutbox.scheduleReservationExpiry(of: order, on: db)
        // The checkout response shows them without reading them back.
        order.$lines.value = lines
        order.$transitions.value = [opened]
        return order
    }
}
