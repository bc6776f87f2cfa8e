import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// Takes an order's payment through the provider: opens it, confirms it, asks how it stands,
/// refunds it, and applies webhooks. It never writes `orders`: each outcome is handed to
/// `OrderService`, whose conditional transitions make it exactly-once (the first caller to
/// report a success wins; every other path sees the order already paid and does nothing).
struct PaymentFlow {
    let provider: any PaymentProvider
    let orders: OrderService
    let logger: Logger

    private var db: any Database { orders.db }

    /// The order's payment at the provider, created on first use (idempotently, per order).
    @discardableResult
    func ensurePayment(for order: Order) async throws -> PaymentState {
        if let id = order.paymentID { return try await provider.retrievePayment(id: id) }
        let orderID = try order.requireID()
        let payment = try await provider.createPayment(
            PaymentRequest(
                // No receipt email: the shop sends its own confirmation, a provider receipt would be a second one.
                orderID: orderID, orderNumber: order.number, amount: order.total, currency: order.currency,
                customerEmail: nil, idempotencyKey: "order-\(orderID)-payment"))
        try await orders.attachPayment(payment.id, to: order)
        return payment
    }

    /// Confirms the order's payment with the customer's method and settles it when it succeeds.
    /// A declined card throws `PaymentError.declined` and leaves the order payable.
    func pay(_ order: Order, with method: PaymentMethodInput, actor: String = "customer") async throws -> PaymentState {
        guard order.status == .pendingPayment else {
            if order.status.isPaid, let id = order.paymentID { return try await provider.retrievePayment(id: id) }
            throw OrderError.notPayable(order.status)
        }
        guard order.reservationExpiresAt > Date() else {
            try await expire(order)
            throw OrderError.reservationExpired
        }
        let payment = try await ensurePayment(for: order)
        if payment.status == .succeeded {
            try await settle(order, paymentID: payment.id, actor: actor)
            return payment
        }
        let confirmed = try await provider.confirmPayment(
            id: payment.id, method: method,
            idempotencyKey: "order-\(try order.requireID())-confirm-\(Self.fingerprint(of: method))")
        if confirmed.status == .succeeded {
            try await settle(order, paymentID: confirmed.id, actor: actor)
        }
        return confirmed
    }

    /// Asks the provider how the payment stands (the customer is back from authentication) and
    /// settles it if it has succeeded.
    func synchronise(_ order: Order, actor: String = "customer-return") async throws -> PaymentState? {
        guard let id = order.paymentID else { return nil }
        let payment = try await provider.retrievePayment(id: id)
        if payment.status == .succeeded { try await settle(order, paymentID: id, actor: actor) }
        return payment
    }

    /// Hands a succeeded payment to the order. Returns whether this call was the one that marked
    /// it paid. A payment that succeeded after its order was cancelled is refunded.
    @discardableResult
    func settle(_ order: Order, paymentID: String, actor: String) async throws -> Bool {
        let won = try await orders.markPaid(order, paymentID: paymentID, actor: actor)
        if !won, try await orders.find(try order.requireID()).status == .cancelled {
            try await refundLatePayment(order, paymentID: paymentID)
        }
        return won
    }

    /// Cancels an unpaid order whose reservation has run out and returns its stock, unless the
    /// provider says it was paid after all (then it settles instead).
    func expire(_ order: Order) async throws {
        let current = try await orders.find(try order.requireID())
        guard current.status == .pendingPayment, current.reservationExpiresAt <= Date() else { return }
        if let paymentID = current.paymentID {
            let payment = try await void(paymentID, of: current)
            if payment.status == .succeeded {
                try await settle(current, paymentID: paymentID, actor: "system")
                return
            }
        }
        try await orders.expireUnpaid(current)
    }

    /// After a cancellation: voids the order's payment at the provider, or refunds it if it
    /// succeeded at the last moment.
    func voidCancelledOrder(_ order: Order) async throws {
        guard order.status == .cancelled, let paymentID = order.paymentID else { return }
        if try await void(paymentID, of: order).status == .succeeded {
            try await refundLatePayment(order, paymentID: paymentID)
        }
    }

    /// Refunds part or all of a paid order through the provider and records it on the order,
    /// putting `restock` back on the shelf in the same transaction as the record.
    func refund(_ order: Order, amount requested: Int64?, restock: [StockLine] = [], actor: String) async throws
        -> Order
    {
        let orderID = try order.requireID()
        if let requested, requested <= 0 { throw OrderError.invalidRefundAmount }
        guard order.status.isPaid, let paymentID = order.paymentID else {
            throw OrderError.illegalTransition(from: order.status, to: .refunded)
        }
        let refundable = order.total - order.amountRefunded
        let amount = requested ?? refundable
        guard amount > 0 else { throw OrderError.invalidRefundAmount }
        guard amount <= refundable else {
            throw OrderError.refundTooLarge(refundable: Money(amount: refundable, currency: order.currency))
        }
        let next: OrderStatus = amount == refundable ? .refunded : .partiallyRefunded
        guard order.status.canMove(to: next) else { throw OrderError.illegalTransition(from: order.status, to: next) }
        try await orders.checkRestock(restock, of: order)
        _ = try await provider.refund(
            paymentID: paymentID, amount: amount,
            idempotencyKey: "order-\(orderID)-refund-\(order.amountRefunded)-\(amount)")
        return try await orders.recordRefund(of: amount, to: order, restock: restock, actor: actor)
    }

    /// Applies a verified webhook event once: the event id is recorded in the same transaction as
    /// its effect, so a replay is a no-op and a crash half-way lets the provider's retry redo it.
    /// Returns false for an event already handled.
    @discardableResult
    func handle(_ event: PaymentEvent) async throws -> Bool {
        try await db.transaction { tx -> Bool in
            let fresh = try await tx.sql.raw(
                """
                INSERT INTO webhook_events (id, provider, kind, received_at)
                VALUES (\(bind: event.id), \(bind: provider.name), \(bind: String(describing: event.kind)), \(bind: Date()))
                ON CONFLICT DO NOTHING RETURNING id
                """
            ).first()
            guard fresh != nil else { return false }
            let orders = self.orders.on(tx)
            guard let paymentID = event.paymentID, let order = try await orders.find(paymentID: paymentID) else {
                return true
            }
            switch event.kind {
            case .paymentSucceeded:
                try await PaymentFlow(provider: provider, orders: orders, logger: logger)
                    .settle(order, paymentID: paymentID, actor: "webhook")
            case .refunded:
                if let refunded = event.amountRefunded {
                    try await orders.recordReportedRefund(total: refunded, of: order, source: provider.name)
                }
            case .paymentFailed, .paymentCanceled, .other:
                break
            }
            return true
        }
    }

    /// Cancels the payment unless it has succeeded or is already cancelled; returns how it stands.
    private func void(_ paymentID: String, of order: Order) async throws -> PaymentState {
        var payment = try await provider.retrievePayment(id: paymentID)
        guard payment.status != .succeeded, payment.status != .canceled else { return payment }
        do {
            payment = try await provider.cancelPayment(
                id: paymentID, idempotencyKey: "order-\(try order.requireID())-cancel")
        } catch PaymentError.invalidRequest {
            // It completed between our look and our cancel.
            payment = try await provider.retrievePayment(id: paymentID)
        }
        return payment
    }

    /// A payment that succeeded after its order was cancelled: the goods are back on sale, so the
    /// money goes back.
    private func refundLatePayment(_ order: Order, paymentID: String) async throws {
        let payment = try await provider.retrievePayment(id: paymentID)
        guard payment.status == .succeeded else { return }
        _ = try await provider.refund(
            paymentID: paymentID, amount: nil, idempotencyKey: "order-\(try order.requireID())-late-refund")
        logger.warning(
            "payment succeeded after the order was cancelled; refunded in full",
            metadata: ["order": .string(order.number), "payment": .string(paymentID)])
    }

    /// Stable per payment method, so a retried confirmation reuses its idempotency key while a
    /// different card gets a fresh one.
    private static func fingerprint(of method: PaymentMethodInput) -> String {
        let text: String =
            switch method {
            case .providerMethod(let id): "pm:\(id)"
            case .testCard(let number): "card:\(number.filter(\.isNumber))"
            }
        return SHA256.hash(data: Data(text.utf8)).prefix(8).hexString
    }
}

/// The jobs whose outcome depends on what the payment provider says.
enum PaymentJobs {
    /// The reservation expiry (Orders schedules it; the provider is asked first whether the order
    /// was paid after all) and the payment void after a cancellation.
    static func registerHandlers(on app: Application) {
        app.jobs.register(.expireReservation, payload: OrderJob.self) { job, context in
            let flow = context.application.paymentFlow
            guard let order = try await Order.find(job.orderID, on: context.application.db) else { return }
            try await flow.expire(order)
        }
        app.jobs.register(.voidPayment, payload: OrderJob.self) { job, context in
            guard let order = try await Order.find(job.orderID, on: context.application.db) else { return }
            try await context.application.paymentFlow.voidCancelledOrder(order)
        }
    }
}

extension Application {
    /// Payments through the configured provider, on the application's database.
    var paymentFlow: PaymentFlow { PaymentFlow(provider: payments, orders: orders, logger: logger) }
}

extension Request {
    /// Payments through the configured provider, on the request's database.
    var paymentFlow: PaymentFlow { PaymentFlow(provider: application.payments, orders: orders, logger: logger) }
}
