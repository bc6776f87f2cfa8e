import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// Takes an order from `pending_payment` to `paid` exactly once, whichever path reports the payment
/// first: the customer's confirmation, their return from authentication, or any number of webhooks.
///
/// The one gate is `settle`: a conditional update from `pending_payment` that only one caller can
/// win. The winner commits the reserved stock and queues the confirmation email in that same
/// transaction; every other caller sees the order already paid and does nothing.
struct PaymentFlow {
    let app: Application
    var provider: any PaymentProvider { app.payments }

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
        try await app.db.sql.raw(
            """
            UPDATE orders SET payment_id = \(bind: payment.id), updated_at = \(bind: Date())
            WHERE id = \(bind: orderID) AND payment_id IS NULL
            """
        ).run()
        order.paymentID = payment.id
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

    /// Marks the order paid if it is still pending: stock committed and the confirmation email
    /// queued in the same transaction. Returns whether this call was the one that did it.
    @discardableResult
    func settle(_ order: Order, paymentID: String, actor: String, on db: (any Database)? = nil) async throws -> Bool {
        let orderID = try order.requireID()
        let won = try await (db ?? app.db).transaction { tx -> Bool in
            let now = Date()
            let moved = try await tx.sql.raw(
                """
                UPDATE orders SET status = \(bind: OrderStatus.paid.rawValue), paid_at = \(bind: now),
                  updated_at = \(bind: now)
                WHERE id = \(bind: orderID) AND status = \(bind: OrderStatus.pendingPayment.rawValue)
                  AND payment_id = \(bind: paymentID)
                RETURNING id
                """
            ).first()
            guard moved != nil else { return false }
            for line in try await OrderLine.query(on: tx).filter(\.$order.$id == orderID).all() {
                try await InventoryReservation.commit(line.quantity, of: line.variantID, on: tx)
            }
            try await OrderTransition(orderID: orderID, from: .pendingPayment, to: .paid, actor: actor).create(on: tx)
            guard let paid = try await Order.find(orderID, on: tx) else { throw OrderError.notFound }
            try await OrderOutbox.queueConfirmation(of: paid, baseURL: app.settings.server.baseURL, on: tx)
            return true
        }
        if won {
            order.status = .paid
        } else if let current = try await Order.find(orderID, on: db ?? app.db), current.status == .cancelled {
            try await refundLatePayment(current, paymentID: paymentID)
        }
        return won
    }

    /// Cancels an unpaid order whose reservation has run out and returns its stock, unless the
    /// provider says it was paid after all (then it settles instead).
    func expire(_ order: Order) async throws {
        let orderID = try order.requireID()
        guard let current = try await Order.find(orderID, on: app.db), current.status == .pendingPayment,
            current.reservationExpiresAt <= Date()
        else { return }
        if let paymentID = current.paymentID {
            var payment = try await provider.retrievePayment(id: paymentID)
            if payment.status != .succeeded && payment.status != .canceled {
                do {
                    payment = try await provider.cancelPayment(id: paymentID, idempotencyKey: "order-\(orderID)-cancel")
                } catch PaymentError.invalidRequest {
                    // It completed between our look and our cancel.
                    payment = try await provider.retrievePayment(id: paymentID)
                }
            }
            if payment.status == .succeeded {
                try await settle(current, paymentID: paymentID, actor: "system")
                return
            }
        }
        let released = try await app.db.transaction { tx -> Bool in
            let moved = try await tx.sql.raw(
                """
                UPDATE orders SET status = \(bind: OrderStatus.cancelled.rawValue), updated_at = \(bind: Date())
                WHERE id = \(bind: orderID) AND status = \(bind: OrderStatus.pendingPayment.rawValue) RETURNING id
                """
            ).first()
            guard moved != nil else { return false }
            for line in try await OrderLine.query(on: tx).filter(\.$order.$id == orderID).all() {
                try await InventoryReservation.release(line.quantity, of: line.variantID, on: tx)
            }
            try await OrderTransition(
                orderID: orderID, from: .pendingPayment, to: .cancelled, actor: "system",
                note: "reservation expired unpaid"
            ).create(on: tx)
            return true
        }
        if released { try await app.catalogCache.invalidate() }
    }

    /// Refunds part or all of a paid order through the provider and records it.
    func refund(_ order: Order, amount requested: Int64?, actor: String) async throws -> Order {
        let orderID = try order.requireID()
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
        _ = try await provider.refund(
            paymentID: paymentID, amount: amount,
            idempotencyKey: "order-\(orderID)-refund-\(order.amountRefunded)-\(amount)")
        return try await app.db.transaction { tx in
            let moved = try await tx.sql.raw(
                """
                UPDATE orders SET amount_refunded = amount_refunded + \(bind: amount), status = \(bind: next.rawValue),
                  updated_at = \(bind: Date())
                WHERE id = \(bind: orderID) AND amount_refunded = \(bind: order.amountRefunded) RETURNING id
                """
            ).first()
            guard moved != nil else { throw OrderError.illegalTransition(from: order.status, to: next) }
            try await OrderTransition(
                orderID: orderID, from: order.status, to: next, actor: actor,
                note: "refunded \(Money(amount: amount, currency: order.currency).formatted)"
            ).create(on: tx)
            guard let updated = try await Order.find(orderID, on: tx) else { throw OrderError.notFound }
            return updated
        }
    }

    /// Applies a verified webhook event once: the event id is recorded in the same transaction as
    /// its effect, so a replay is a no-op and a crash half-way lets the provider's retry redo it.
    /// Returns false for an event already handled.
    @discardableResult
    func handle(_ event: PaymentEvent) async throws -> Bool {
        try await app.db.transaction { tx -> Bool in
            let fresh = try await tx.sql.raw(
                """
                INSERT INTO webhook_events (id, provider, kind, received_at)
                VALUES (\(bind: event.id), \(bind: provider.name), \(bind: String(describing: event.kind)), \(bind: Date()))
                ON CONFLICT DO NOTHING RETURNING id
                """
            ).first()
            guard fresh != nil else { return false }
            guard let paymentID = event.paymentID,
                let order = try await Order.query(on: tx).filter(\.$paymentID == paymentID).first()
            else { return true }
            switch event.kind {
            case .paymentSucceeded:
                try await settle(order, paymentID: paymentID, actor: "webhook", on: tx)
            case .refunded:
                if let refunded = event.amountRefunded, refunded > order.amountRefunded, order.status.isPaid {
                    let next: OrderStatus = refunded >= order.total ? .refunded : .partiallyRefunded
                    if order.status.canMove(to: next) {
                        try await tx.sql.raw(
                            """
                            UPDATE orders SET amount_refunded = \(bind: refunded), status = \(bind: next.rawValue),
                              updated_at = \(bind: Date())
                            WHERE id = \(bind: try order.requireID())
                            """
                        ).run()
                        try await OrderTransition(
                            orderID: try order.requireID(), from: order.status, to: next, actor: "webhook",
                            note: "refund reported by \(provider.name)"
                        ).create(on: tx)
                    }
                }
            case .paymentFailed, .paymentCanceled, .other:
                break
            }
            return true
        }
    }

    /// A payment that succeeded after its order was cancelled (reservation expired): the goods
    /// are gone, so the money goes back.
    private func refundLatePayment(_ order: Order, paymentID: String) async throws {
        let payment = try await provider.retrievePayment(id: paymentID)
        guard payment.status == .succeeded else { return }
        _ = try await provider.refund(
            paymentID: paymentID, amount: nil, idempotencyKey: "order-\(try order.requireID())-late-refund")
        app.logger.warning(
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
