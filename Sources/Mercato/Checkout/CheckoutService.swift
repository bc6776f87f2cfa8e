import Fluent
import Foundation
import SQLKit
import Vapor

/// What a customer submits to check out a cart.
struct CheckoutRequest: Content, Sendable {
    var cartId: UUID
    var email: String
    var shippingAddress: PostalAddress
    var shippingMethod: String
}

/// Turns a cart into an order: prices it from the catalogue, reserves stock and redeems the coupon
/// in the one transaction that creates the order, then opens a payment for it.
struct CheckoutService {
    let app: Application
    let db: any Database

    init(app: Application, db: (any Database)? = nil) {
        self.app = app
        self.db = db ?? app.db
    }

    /// Places the order and returns it with the token that opens it, and its payment when the
    /// provider could open one now (otherwise paying opens it).
    func placeOrder(
        cart: Cart, request: CheckoutRequest, customerID: UUID?, actor: String = "customer"
    ) async throws -> (order: Order, token: String, payment: PaymentState?) {
        let email = try CustomerEmail.validated(request.email)
        let address = try request.shippingAddress.validated()
        let methodCode = request.shippingMethod.trimmingCharacters(in: .whitespaces)
        let settings = app.settings.checkout
        let token = SecretToken.generate()
        let cartID = try cart.requireID()
        let (order, exhausted) = try await db.transaction { tx -> (Order, Bool) in
            var exhausted = false
            // Claim the cart first: a second checkout of the same cart waits here and then finds it
            // converted (no second order), and on SQLite the transaction holds the write lock from
            // its first statement, so two checkouts never deadlock upgrading a read lock.
            let claimed = try await tx.sql.raw(
                """
                UPDATE carts SET updated_at = \(bind: Date())
                WHERE id = \(bind: cartID) AND status = \(bind: Cart.Status.active.rawValue) RETURNING id
                """
            ).first()
            guard claimed != nil else { throw CartError.closed }
            let lines = try await CartContents.lines(of: cartID, on: tx)
            guard let currency = lines.first?.currency else { throw CartError.empty }
            guard
                let method = try await ShippingMethod.query(on: tx).filter(\.$code == methodCode)
                    .filter(\.$active == true).first()
            else { throw OrderError.unknownShippingMethod(String(methodCode.prefix(64))) }
            var discount: Int64 = 0
            var coupon: Coupon?
            let subtotal = lines.reduce(0) { $0 + $1.pricingLine.total }
            let customerKey = customerID?.uuidString ?? email
            if let code = cart.couponCode {
                let applicable = try await CouponService.applicable(
                    code: code, subtotal: subtotal, currency: currency, customerKey: customerKey, on: tx)
                discount = applicable.discount(on: subtotal)
                coupon = applicable
            }
            let pricingLines = lines.map(\.pricingLine)
            guard method.currency == currency, method.serves(country: address.country, region: address.region),
                let shipping = method.charge(
                    merchandise: subtotal - discount, weightGrams: OrderPricing.weight(of: pricingLines))
            else { throw OrderError.shippingUnavailable(method: method.code, country: address.country) }
            let rate = try await TaxRate.basisPoints(country: address.country, region: address.region, on: tx)
            let pricing = OrderPricing.compute(
                lines: pricingLines, discount: discount, shipping: shipping, taxRateBasisPoints: rate,
                pricesIncludeTax: settings.pricesIncludeTax)

            // Reserve in a fixed order (by variant) so two multi-line checkouts can't deadlock.
            for line in lines.sorted(by: { $0.variantID.uuidString < $1.variantID.uuidString }) {
                let left = try await InventoryReservation.reserve(line.quantity, of: line.variantID, on: tx)
                guard let left else { throw OrderError.outOfStock(sku: line.sku) }
                if left == 0 { exhausted = true }
            }
            if let coupon { try await CouponService.redeem(coupon, customerKey: customerKey, on: tx) }

            let order = Order()
            order.id = UUID()
            order.number = OrderNumber.generate()
            order.tokenHash = SecretToken.hash(token)
            order.customerID = customerID
            order.email = email
            order.status = .pendingPayment
            order.currency = currency
            order.subtotal = pricing.subtotal
            order.discount = pricing.discount
            order.shipping = pricing.shipping
            order.tax = pricing.tax
            order.total = pricing.total
            order.pricesIncludeTax = settings.pricesIncludeTax
            order.couponCode = coupon?.code
            order.shippingMethod = method.code
            order.shippingAddressJSON = String(decoding: try JSONEncoder().encode(address), as: UTF8.self)
            order.paymentProvider = app.payments.name
            order.amountRefunded = 0
            order.reservationExpiresAt = Date().addingTimeInterval(TimeInterval(settings.reservationMinutes * 60))
            order.createdAt = Date()
            order.updatedAt = order.createdAt
            try await order.create(on: tx)
            let orderID = try order.requireID()
            for (position, line) in lines.enumerated() {
                let orderLine = OrderLine()
                orderLine.$order.id = orderID
                orderLine.variantID = line.variantID
                orderLine.sku = line.sku
                orderLine.name = line.name
                orderLine.quantity = line.quantity
                orderLine.unitPrice = line.unitPrice
                orderLine.lineTotal = line.pricingLine.total
                orderLine.position = position
                try await orderLine.create(on: tx)
            }
            try await OrderTransition(orderID: orderID, from: nil, to: .pendingPayment, actor: actor).create(on: tx)
            cart.status = .converted
            cart.updatedAt = Date()
            try await cart.update(on: tx)
            try await OrderOutbox.scheduleReservationExpiry(of: order, on: tx)
            return (order, exhausted)
        }
        // Listing and product pages show "out of stock" from the catalogue cache.
        if exhausted { try await app.catalogCache.invalidate() }
        var payment: PaymentState?
        do {
            payment = try await PaymentFlow(app: app).ensurePayment(for: order)
        } catch {
            // The order stands; paying it creates the payment again (same idempotency key).
            app.logger.warning(
                "could not open the payment yet", metadata: ["order": .string(order.number), "error": "\(error)"])
        }
        return (order, token, payment)
    }
}

/// Stock reservation against `inventory_levels`: the only code that moves `reserved`.
enum InventoryReservation {
    /// Reserves `quantity` if that much is free and returns what is left free, or nil when there
    /// isn't enough. One conditional update: PostgreSQL re-checks the condition after waiting for a
    /// concurrent reservation of the same row, so stock can't be oversold by any number of instances.
    static func reserve(_ quantity: Int, of variantID: UUID, on db: any Database) async throws -> Int? {
        let row = try await db.sql.raw(
            """
            UPDATE inventory_levels SET reserved = reserved + \(bind: quantity), updated_at = \(bind: Date())
            WHERE variant_id = \(bind: variantID) AND on_hand - reserved >= \(bind: quantity)
            RETURNING on_hand - reserved AS available
            """
        ).first()
        return try row?.decode(column: "available", as: Int.self)
    }

    /// Returns reserved stock to sale (an order cancelled or expired).
    static func release(_ quantity: Int, of variantID: UUID, on db: any Database) async throws {
        try await db.sql.raw(
            """
            UPDATE inventory_levels SET reserved = reserved - \(bind: quantity), updated_at = \(bind: Date())
            WHERE variant_id = \(bind: variantID)
            """
        ).run()
    }

    /// Turns a reservation into a sale: the goods leave on-hand stock.
    static func commit(_ quantity: Int, of variantID: UUID, on db: any Database) async throws {
        try await db.sql.raw(
            """
            UPDATE inventory_levels
            SET on_hand = on_hand - \(bind: quantity), reserved = reserved - \(bind: quantity), updated_at = \(bind: Date())
            WHERE variant_id = \(bind: variantID)
            """
        ).run()
    }
}
