import Fluent
import Foundation
import Vapor

extension JobKind {
    /// Cancels an order still unpaid when its reservation runs out, returning its stock.
    static let expireReservation = JobKind("orders.expire_reservation")
    /// Voids the provider payment of an order cancelled before it was paid. Orders queues it with
    /// the cancellation; the payments domain registers its handler.
    static let voidPayment = JobKind("payments.void_cancelled_order")
}

/// The order a job is about.
struct OrderJob: Codable, Sendable {
    var orderID: UUID
}

/// Side effects of order changes, queued in the same transaction as the change (the transactional
/// outbox): if the change commits, the job exists; if it rolls back, so does the job.
enum OrderOutbox {
    static func scheduleReservationExpiry(of order: Order, on db: any Database) async throws {
        try await JobQueue.enqueue(
            .expireReservation, payload: OrderJob(orderID: try order.requireID()), runAt: order.reservationExpiresAt,
            on: db)
    }

    /// Queues the voiding of a cancelled order's payment at the provider, so no cancel path can
    /// leave an authorisation open (or miss refunding one that succeeded at the last moment).
    static func queuePaymentVoid(of order: Order, on db: any Database) async throws {
        try await JobQueue.enqueue(.voidPayment, payload: OrderJob(orderID: try order.requireID()), on: db)
    }

    static func queueConfirmation(of order: Order, baseURL: String, on db: any Database) async throws {
        let lines = try await emailLines(of: order, on: db)
        let money = { (amount: Int64) in Money.format(amount: amount, currency: order.currency) }
        let email = OrderConfirmationEmail(
            orderNumber: order.number, customerName: order.shippingAddress?.name ?? order.email, lines: lines,
            subtotal: money(order.subtotal), discount: order.discount > 0 ? money(order.discount) : nil,
            shipping: money(order.shipping), tax: money(order.tax), total: money(order.total),
            shippingAddress: order.shippingAddress?.lines ?? [], orderURL: orderURL(order, baseURL: baseURL))
        try await JobQueue.enqueue(
            .sendEmail, payload: EmailJob(to: order.email, template: .orderConfirmation(email)), on: db)
    }

    static func queueShippingNotification(
        of order: Order, shipment: Shipment?, baseURL: String, on db: any Database
    ) async throws {
        let email = ShippingNotificationEmail(
            orderNumber: order.number, customerName: order.shippingAddress?.name ?? order.email,
            carrier: shipment?.carrier, trackingNumber: shipment?.trackingNumber, trackingURL: shipment?.trackingURL,
            lines: try await emailLines(of: order, on: db), orderURL: orderURL(order, baseURL: baseURL))
        try await JobQueue.enqueue(
            .sendEmail, payload: EmailJob(to: order.email, template: .shippingNotification(email)), on: db)
    }

    private static func emailLines(of order: Order, on db: any Database) async throws -> [EmailOrderLine] {
        try await OrderLine.read(order: order.requireID(), on: db).map {
            EmailOrderLine(
                name: $0.name, sku: $0.sku, quantity: $0.quantity,
                unitPrice: Money.format(amount: $0.unitPrice, currency: order.currency),
                lineTotal: Money.format(amount: $0.lineTotal, currency: order.currency))
        }
    }

    /// Customers with an account see the order there; guests find its number in the email.
    private static func orderURL(_ order: Order, baseURL: String) -> String {
        "\(baseURL)/account/orders/\(order.number)"
    }
}
