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
///
/// Checkout sits above the domains it coordinates (Cart, Promotions, Shipping, Tax, Inventory,
/// Orders, Payments); none of them calls back into it.
struct CheckoutService {
    let db: any Database
    let settings: CheckoutSettings
    let orders: OrderService
    let payments: PaymentFlow
    let catalogCache: CatalogCache
    let logger: Logger

    /// Places the order and returns it with the token that opens it, and its payment when the
    /// provider could open one now (otherwise paying opens it).
    func placeOrder(
        cart: Cart, request: CheckoutRequest, customerID: UUID?, actor: String = "customer"
    ) async throws -> (order: Order, token: String, payment: PaymentState?) {
        let email = try CustomerEmail.validated(request.email)
        let address = try request.shippingAddress.validated()
        let methodCode = request.shippingMethod.trimmingCharacters(in: .whitespaces)
        let token = SecretToken.generate()
        let cartID = try cart.requireID()
        let (order, stock, slugs) = try await db.transaction {
            tx -> (Order, InventoryService.ReservationOutcome, Set<String>) in
            // Claim the cart first: a second checkout of the same cart waits here and then finds it
            // converted (no second order), and on SQLite the transaction holds the write lock from
            // its first statement, so two checkouts never deadlock upgrading a read lock.
            guard try await CartService(db: tx).claimForCheckout(cartID) else { throw CartError.closed }
            let lines = try await CartContents.lines(of: cartID, on: tx)
            guard let currency = lines.first?.currency else { throw CartError.empty }
            guard let method = try await ShippingService(db: tx).activeMethod(code: methodCode) else {
                throw OrderError.unknownShippingMethod(String(methodCode.prefix(64)))
            }
            let customerKey = customerID?.uuidString ?? email
            let coupons = CouponService(db: tx)
            let pricingLines = lines.map(\.pricingLine)
            let subtotal = try OrderPricing.subtotal(of: pricingLines)
            var coupon: Coupon?
            if let code = cart.couponCode {
                coupon = try await coupons.applicable(
                    code: code, subtotal: subtotal, currency: currency, customerKey: customerKey)
            }
            let discount = coupon?.discount(on: subtotal) ?? 0
            guard method.currency == currency, method.serves(country: address.country, region: address.region),
                let shipping = method.charge(
                    merchandise: subtotal - discount, weightGrams: OrderPricing.weight(of: pricingLines))
            else { throw OrderError.shippingUnavailable(method: method.code, country: address.country) }
            let rate = try await TaxService(db: tx).basisPoints(country: address.country, region: address.region)
            let pricing = try OrderPricing.compute(
                lines: pricingLines, discount: discount, shipping: shipping, taxRateBasisPoints: rate,
                pricesIncludeTax: settings.pricesIncludeTax)

            let orderID = UUID()
            let reservation = try await InventoryService(db: tx).reserve(
                lines.map { StockLine(variantID: $0.variantID, quantity: $0.quantity) },
                StockChange(.checkoutReserved, actor: actor, orderID: orderID))
            guard case .reserved = reservation else {
                let short = lines.first { .shortOf($0.variantID) == reservation }
                throw OrderError.outOfStock(sku: short?.sku ?? "")
            }
            if let coupon { try await coupons.redeem(coupon, customerKey: customerKey) }
            let draft = OrderDraft(
                id: orderID, customerID: customerID, email: email, currency: currency, pricing: pricing,
                pricesIncludeTax: settings.pricesIncludeTax, couponCode: coupon?.code, shippingMethod: method.code,
                shippingAddress: address, paymentProvider: payments.provider.name,
                reservationExpiresAt: Date().addingTimeInterval(TimeInterval(settings.reservationMinutes * 60)),
                lines: lines.map {
                    OrderDraft.Line(
                        variantID: $0.variantID, sku: $0.sku, name: $0.name, quantity: $0.quantity,
                        unitPrice: $0.unitPrice, lineTotal: $0.pricingLine.total)
                })
            let order = try await orders.on(tx).create(draft, token: token, actor: actor)
            try await CartService(db: tx).markConverted(cart)
            return (order, reservation, Set(lines.map(\.productSlug)))
        }
        // Product pages show what is left from the catalogue cache; listings show sold-out.
        if case .reserved(let exhausted, _) = stock {
            await catalogCache.retireStock(ofSlugs: slugs, availabilityCrossedZero: !exhausted.isEmpty, logger: logger)
        }
        var payment: PaymentState?
        do {
            payment = try await payments.ensurePayment(for: order)
        } catch {
            // The order stands; paying it creates the payment again (same idempotency key).
            logger.warning(
                "could not open the payment yet", metadata: ["order": .string(order.number), "error": "\(error)"])
        }
        return (order, token, payment)
    }
}

extension Request {
    /// Checkout on the request's database with the configured payment provider.
    var checkout: CheckoutService {
        CheckoutService(
            db: db, settings: application.settings.checkout, orders: orders, payments: paymentFlow,
            catalogCache: application.catalogCache, logger: logger)
    }
}
