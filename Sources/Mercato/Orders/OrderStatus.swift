/// An order's life. Only the transitions listed in `allowedNext` exist; anything else is rejected.
enum OrderStatus: String, Codable, Sendable, CaseIterable {
    case pendingPayment = "pending_payment"
    case paid
    case fulfilled
    case shipped
    case delivered
    case cancelled
    case refunded
    case partiallyRefunded = "partially_refunded"

    /// Where an order in this status may go next.
    var allowedNext: Set<OrderStatus> {
        switch self {
        case .pendingPayment: [.paid, .cancelled]
        case .paid: [.fulfilled, .refunded, .partiallyRefunded]
        case .fulfilled: [.shipped, .refunded, .partiallyRefunded]
        case .shipped: [.delivered, .refunded, .partiallyRefunded]
        case .delivered: [.refunded, .partiallyRefunded]
        // A further partial refund keeps the status; the last one makes it refunded.
        case .partiallyRefunded: [.partiallyRefunded, .refunded]
        case .cancelled, .refunded: []
        }
    }

    func canMove(to next: OrderStatus) -> Bool { allowedNext.contains(next) }

    /// Whether money has been taken (and some may still be refundable).
    var isPaid: Bool {
        switch self {
        case .paid, .fulfilled, .shipped, .delivered, .partiallyRefunded: true
        case .pendingPayment, .cancelled, .refunded: false
        }
    }
}
