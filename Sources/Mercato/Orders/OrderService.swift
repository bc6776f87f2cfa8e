import Fluent
import Foundation
import SQLKit
import Vapor

/// The only code that changes an order's status. Each operation is one conditional update from
/// the status the order has *in the database*, so two racing callers can't both move it; the
/// winner writes the `OrderTransition` and applies the change's stock and outbox effects in the
/// same transaction, which is what makes payment exactly-once by construction.
struct OrderService {
    let db: any Database
    /// The shop's public address, for links in the emails transitions send.
    let baseURL: String
    /// Listing and product pages show stock from this cache; returned stock invalidates it.
    let catalogCache: CatalogCache?

    init(db: any Database, baseURL: String = "", catalogCache: CatalogCache? = nil) {
        self.db = db
        self.baseURL = baseURL
        self.catalogCache = catalogCache
    }

    /// The same service on another connection or transaction.
    func on(_ database: any Database) -> OrderService {
        OrderService(db: database, baseURL: baseURL, catalogCache: catalogCache)
    }

    /// Opens an order for its guest token or its owner; anything else is "not found".
    func open(id: UUID, token: String?, customerID: UUID?) async throws -> Order {
        guard let order = try await Order.read(id: id, on: db) else { throw OrderError.notFound }
        let byToken = token.map { SecretToken.matches($0, hash: order.tokenHash) } ?? false
        let byOwner = customerID != nil && order.customerID == customerID
        guard byToken || byOwner else { throw OrderError.notFound }
        return order
    }

    /// The order as stored now.
    func find(_ id: UUID) async throws -> Order {
        guard let order = try await Order.read(id: id, on: db) else { throw OrderError.notFound }
        return order
    }

    /// A customer's order by its number.
    func find(number: String, customerID: UUID) async throws -> Order {
        guard let order = try await find(number: number), order.customerID == customerID else {
            throw OrderError.notFound
        }
        return order
    }

    /// An order by its number, whoever placed it; callers check the visitor may see it.
    func find(number: String) async throws -> Order? {
        guard number.count <= 64 else { return nil }
        return try await Order.query(on: db).filter(\.$number == number).first()
    }

    /// The order on the wire, with its lines and transitions.
    func dto(of order: Order, token: String? = nil) async throws -> OrderDTO {
        try await order.dto(on: db, token: token)
    }

    /// The order whose payment has this provider id, if any.
    func find(paymentID: String) async throws -> Order? {
        try await Order.query(on: db).filter(\.$paymentID == paymentID).first()
    }

    /// A staff member's move (fulfil, ship, deliver, cancel) if the state machine allows it.
    /// Cancelling an unpaid order returns its stock and queues the voiding of its payment; shipping
    /// queues the customer's notification.
    @discardableResult
    func transition(
        _ order: Order, to next: OrderStatus, actor: String, note: String? = nil, shipment: Shipment? = nil
    ) async throws -> Order {
        let id = try order.requireID()
        let (moved, returned) = try await db.transaction { tx -> (Order, Set<UUID>) in
            let current = try await self.on(tx).find(id)
            guard current.status.canMove(to: next) else {
                throw OrderError.illegalTransition(from: current.status, to: next)
            }
            guard try await Self.move(id, from: current.status, to: next, on: tx) else {
                throw OrderError.illegalTransition(from: current.status, to: next)
            }
            try await OrderTransition(orderID: id, from: current.status, to: next, actor: actor, note: note)
                .insert(on: tx)
            var returned: Set<UUID> = []
            if next == .cancelled {
                returned = try await InventoryService(db: tx).release(
                    try await Self.stockLines(of: id, on: tx),
                    StockChange(.reservationReleased, actor: actor, orderID: id, note: note))
                if current.paymentID != nil { try await OrderOutbox.queuePaymentVoid(of: current, on: tx) }
            }
            current.status = next
            if next == .shipped {
                try await OrderOutbox.queueShippingNotification(
                    of: current, shipment: shipment, baseURL: baseURL, on: tx)
            }
            return (current, returned)
        }
        await stockReturned(returned)
        return moved
    }

    /// Records the provider's payment id on an order that has none yet.
    func attachPayment(_ paymentID: String, to order: Order) async throws {
        try await db.sql.raw(
            """
            UPDATE orders SET payment_id = \(bind: paymentID), updated_at = \(bind: Date())
            WHERE id = \(bind: try order.requireID()) AND payment_id IS NULL
            """
        ).run()
        order.paymentID = order.paymentID ?? paymentID
    }

    /// Marks the order paid if it is still pending with this payment: stock committed and the
    /// confirmation email queued in the same transaction. Returns whether this call did it; every
    /// other caller (a racing webhook, a second confirmation) gets false and changes nothing.
    @discardableResult
    func markPaid(_ order: Order, paymentID: String, actor: String) async throws -> Bool {
        let orderID = try order.requireID()
        let won = try await db.transaction { tx -> Bool in
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
            try await InventoryService(db: tx).commit(
                try await Self.stockLines(of: orderID, on: tx), StockChange(.sold, actor: actor, orderID: orderID))
            try await OrderTransition(orderID: orderID, from: .pendingPayment, to: .paid, actor: actor).insert(on: tx)
            try await OrderOutbox.queueConfirmation(of: try await self.on(tx).find(orderID), baseURL: baseURL, on: tx)
            return true
        }
        if won {
            order.status = .paid
            order.$transitions.value = nil  // read again: this call added one
        }
        return won
    }

    /// Cancels an order still unpaid once its reservation has run out, returning its stock.
    /// Returns false when it was paid, cancelled or extended meanwhile.
    @discardableResult
    func expireUnpaid(_ order: Order, now: Date = Date()) async throws -> Bool {
        let orderID = try order.requireID()
        let released = try await db.transaction { tx -> Set<UUID>? in
            let moved = try await tx.sql.raw(
                """
                UPDATE orders SET status = \(bind: OrderStatus.cancelled.rawValue), updated_at = \(bind: now)
                WHERE id = \(bind: orderID) AND status = \(bind: OrderStatus.pendingPayment.rawValue)
                  AND reservation_expires_at <= \(bind: now)
                RETURNING id
                """
            ).first()
            guard moved != nil else { return nil }
            let returned = try await InventoryService(db: tx).release(
                try await Self.stockLines(of: orderID, on: tx),
                StockChange(.reservationReleased, actor: "system", orderID: orderID, note: "reservation expired unpaid")
            )
            try await OrderTransition(
                orderID: orderID, from: .pendingPayment, to: .cancelled, actor: "system",
                note: "reservation expired unpaid"
            ).insert(on: tx)
            return returned
        }
        guard let released else { return false }
        order.status = .cancelled
        order.$transitions.value = nil  // read again: this call added one
        await stockReturned(released)
        return true
    }

    /// Records a refund the shop made: `amount` more refunded than `order` shows. Refused if the
    /// order changed meanwhile (another refund won), so a refund is never counted twice.
    func recordRefund(of amount: Int64, to order: Order, restock: [StockLine] = [], actor: String) async throws
        -> Order
    {
        let orderID = try order.requireID()
        let (total, overflow) = order.amountRefunded.addingReportingOverflow(amount)
        guard !overflow, amount > 0 else { throw OrderError.invalidRefundAmount }
        let next = try Self.refundStatus(of: order, refunded: total)
        let (refunded, returned) = try await db.transaction { tx -> (Order, Set<UUID>) in
            let moved = try await tx.sql.raw(
                """
                UPDATE orders SET amount_refunded = \(bind: total), status = \(bind: next.rawValue),
                  updated_at = \(bind: Date())
                WHERE id = \(bind: orderID) AND amount_refunded = \(bind: order.amountRefunded)
                  AND status = \(bind: order.status.rawValue)
                RETURNING id
                """
            ).first()
            guard moved != nil else { throw OrderError.illegalTransition(from: order.status, to: next) }
            try await OrderTransition(
                orderID: orderID, from: order.status, to: next, actor: actor,
                note: "refunded \(Money(amount: amount, currency: order.currency).formatted)"
            ).insert(on: tx)
            var returned: Set<UUID> = []
            if !restock.isEmpty {
                returned = try await InventoryService(db: tx).restock(
                    restock, ordered: try await Self.stockLines(of: orderID, on: tx), order: orderID, actor: actor)
            }
            return (try await self.on(tx).find(orderID), returned)
        }
        await stockReturned(returned)
        return refunded
    }

    /// Refuses a refund's restock lines the order can't give, before any money moves.
    func checkRestock(_ lines: [StockLine], of order: Order) async throws {
        guard !lines.isEmpty else { return }
        let orderID = try order.requireID()
        try await InventoryService(db: db).checkRestock(
            lines, ordered: try await Self.stockLines(of: orderID, on: db), order: orderID)
    }

    /// Records a refund the provider reports (the merchant refunded in its dashboard): the total
    /// refunded so far. Ignored unless it is more than the order shows.
    func recordReportedRefund(total refunded: Int64, of order: Order, source: String) async throws {
        guard order.status.isPaid, refunded > order.amountRefunded,
            let next = try? Self.refundStatus(of: order, refunded: min(refunded, order.total))
        else { return }
        let orderID = try order.requireID()
        try await db.transaction { tx in
            let moved = try await tx.sql.raw(
                """
                UPDATE orders SET amount_refunded = \(bind: min(refunded, order.total)), status = \(bind: next.rawValue),
                  updated_at = \(bind: Date())
                WHERE id = \(bind: orderID) AND amount_refunded = \(bind: order.amountRefunded)
                RETURNING id
                """
            ).first()
            guard moved != nil else { return }
            try await OrderTransition(
                orderID: orderID, from: order.status, to: next, actor: "webhook", note: "refund reported by \(source)"
            ).insert(on: tx)
        }
    }

    /// What the lines of an order hold in stock.
    static func stockLines(of orderID: UUID, on db: any Database) async throws -> [StockLine] {
        try await OrderLine.read(order: orderID, on: db).map {
            StockLine(variantID: $0.variantID, quantity: $0.quantity)
        }
    }

    /// Where a refund bringing the total refunded to `refunded` takes the order.
    private static func refundStatus(of order: Order, refunded: Int64) throws -> OrderStatus {
        guard order.status.isPaid else { throw OrderError.illegalTransition(from: order.status, to: .refunded) }
        guard refunded <= order.total else {
            throw OrderError.refundTooLarge(
                refundable: Money(amount: order.total - order.amountRefunded, currency: order.currency))
        }
        let next: OrderStatus = refunded == order.total ? .refunded : .partiallyRefunded
        guard order.status.canMove(to: next) else { throw OrderError.illegalTransition(from: order.status, to: next) }
        return next
    }

    /// One conditional status update; false when the order had moved on.
    private static func move(
        _ id: UUID, from current: OrderStatus, to next: OrderStatus, on db: any Database
    ) async throws -> Bool {
        try await db.sql.raw(
            """
            UPDATE orders SET status = \(bind: next.rawValue), updated_at = \(bind: Date())
            WHERE id = \(bind: id) AND status = \(bind: current.rawValue) RETURNING id
            """
        ).first() != nil
    }

    /// Stock came back to sale: a sold-out variant may be buyable again.
    private func stockReturned(_ products: Set<UUID>) async {
        await catalogCache?.retireStock(
            ofProducts: products, availabilityCrossedZero: true, on: db, logger: Logger(label: "mercato.orders"))
    }
}

/// Carrier details for the shipping notification.
struct Shipment: Codable, Sendable, Equatable {
    var carrier: String?
    var trackingNumber: String?
    var trackingURL: String?
}

extension Application {
    /// Orders on the application's database.
    var orders: OrderService {
        OrderService(db: db, baseURL: settings.server.baseURL, catalogCache: catalogCache)
    }
}

extension Request {
    /// Orders on the request's database.
    var orders: OrderService {
        OrderService(db: db, baseURL: application.settings.server.baseURL, catalogCache: application.catalogCache)
    }
}
