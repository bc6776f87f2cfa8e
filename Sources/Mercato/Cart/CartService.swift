import Fluent
import Foundation
import SQLKit
import Vapor

/// Cart operations for the Store API and the storefront: quantities checked against live stock,
/// prices always from the catalogue.
///
/// The cart row is read and written with plain statements rather than Fluent's model operations:
/// every shopper's request opens one and most write one, and Fluent reflects over the model's
/// properties on each (a sixth of the server's time in a checkout run).
struct CartService {
    let db: any Database

    /// A new empty cart and the token that opens it.
    func create(customerID: UUID? = nil, currency: String = "EUR") async throws -> (cart: Cart, token: String) {
        let token = SecretToken.generate()
        let cart = Cart()
        cart.id = UUID()
        cart.tokenHash = SecretToken.hash(token)
        cart.customerID = customerID
        cart.status = .active
        cart.currency = currency
        cart.createdAt = Date()
        cart.updatedAt = cart.createdAt
        try await db.sql.raw(
            """
            INSERT INTO carts (id, token_hash, customer_id, status, currency, coupon_code, created_at, updated_at)
            VALUES (\(bind: cart.id), \(bind: cart.tokenHash), \(bind: customerID), \(bind: cart.status.rawValue),
                \(bind: currency), NULL, \(bind: cart.createdAt), \(bind: cart.updatedAt))
            """
        ).run()
        cart.$id.exists = true
        return (cart, token)
    }

    /// Opens an active cart by id with its token, or as the customer who owns it.
    func open(id: UUID, token: String?, customerID: UUID?) async throws -> Cart {
        guard let cart = try await find(id) else { throw CartError.notFound }
        let byToken = token.map { SecretToken.matches($0, hash: cart.tokenHash) } ?? false
        let byOwner = customerID != nil && cart.customerID == customerID
        guard byToken || byOwner else { throw CartError.notFound }
        guard cart.status == .active else { throw CartError.closed }
        return cart
    }

    /// The customer's active cart, if they have one.
    func activeCart(ofCustomer customerID: UUID) async throws -> Cart? {
        try await Cart.query(on: db).filter(\.$customerID == customerID).filter(\.$status == .active)
            .sort(\.$updatedAt, .descending).first()
    }

    /// Adds `quantity` of `sku` to what the cart already holds.
    func add(sku: String, quantity: Int, to cart: Cart) async throws {
        guard 1...CartError.maximumQuantity ~= quantity else { throw CartError.invalidQuantity(quantity) }
        let lines = try await CartContents.lines(of: try cart.requireID(), on: db)
        let total = (lines.first { $0.sku == sku }?.quantity ?? 0) + quantity
        guard total <= CartError.maximumQuantity else { throw CartError.invalidQuantity(total) }
        try await store(sku: sku, quantity: total, in: cart, lines: lines)
    }

    /// Sets the quantity of `sku`; zero removes it.
    func setQuantity(sku: String, quantity: Int, in cart: Cart) async throws {
        guard 0...CartError.maximumQuantity ~= quantity else { throw CartError.invalidQuantity(quantity) }
        if quantity == 0 {
            try await remove(sku: sku, from: cart)
        } else {
            try await store(sku: sku, quantity: quantity, in: cart)
        }
    }

    /// - Parameter lines: the cart's lines when the caller has just read them.
    private func store(sku: String, quantity: Int, in cart: Cart, lines known: [CartLine]? = nil) async throws {
        guard let variant = try await CartContents.sellableVariant(sku: sku, on: db) else {
            throw CartError.unknownSKU(String(sku.prefix(64)))
        }
        let cartID = try cart.requireID()
        let lines: [CartLine]
        if let known { lines = known } else { lines = try await CartContents.lines(of: cartID, on: db) }
        if let other = lines.first, other.currency != variant.currency {
            throw CartError.currencyMismatch(sku: sku, cartCurrency: other.currency)
        }
        guard quantity <= variant.available else {
            throw CartError.insufficientStock(sku: sku, available: max(0, variant.available))
        }
        // One statement whether the line is new or not; a line keeps its place (`added_at`).
        try await db.sql.raw(
            """
            INSERT INTO cart_items (cart_id, variant_id, quantity, added_at)
            VALUES (\(bind: cartID), \(bind: variant.id), \(bind: quantity), \(bind: Date()))
            ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = excluded.quantity
            """
        ).run()
        cart.currency = variant.currency
        try await touch(cart)
    }

    func remove(sku: String, from cart: Cart) async throws {
        let cartID = try cart.requireID()
        guard let line = try await CartContents.lines(of: cartID, on: db).first(where: { $0.sku == sku }) else {
            throw CartError.notInCart(String(sku.prefix(64)))
        }
        try await CartItem.query(on: db).filter(\.$id.$cartID == cartID).filter(\.$id.$variantID == line.variantID)
            .delete()
        try await touch(cart)
    }

    /// Applies a coupon after checking it against the basket now.
    func applyCoupon(_ code: String, to cart: Cart, customerKey: String?) async throws {
        let lines = try await CartContents.lines(of: try cart.requireID(), on: db)
        guard !lines.isEmpty else { throw CartError.empty }
        let subtotal = try OrderPricing.subtotal(of: lines.map(\.pricingLine))
        let coupon = try await CouponService(db: db).applicable(
            code: code, subtotal: subtotal, currency: cart.currency, customerKey: customerKey)
        cart.couponCode = coupon.code
        try await touch(cart)
    }

    func removeCoupon(from cart: Cart) async throws {
        cart.couponCode = nil
        try await touch(cart)
    }

    /// Moves a guest cart's lines into the customer's cart at sign-in (quantities add up, capped at
    /// stock) and marks the guest cart merged. Returns the cart the customer now has.
    func merge(guest: Cart, intoCartOf customerID: UUID) async throws -> Cart {
        guard let existing = try await activeCart(ofCustomer: customerID), existing.id != guest.id else {
            guest.customerID = customerID
            try await touch(guest)
            return guest
        }
        for line in try await CartContents.lines(of: try guest.requireID(), on: db) {
            let current =
                try await CartContents.lines(of: try existing.requireID(), on: db)
                .first { $0.sku == line.sku }?.quantity ?? 0
            let wanted = min(current + line.quantity, CartError.maximumQuantity, max(current, line.available))
            if wanted > current {
                try? await setQuantity(sku: line.sku, quantity: wanted, in: existing)
            }
        }
        if existing.couponCode == nil { existing.couponCode = guest.couponCode }
        guest.status = .merged
        try await touch(guest)
        try await touch(existing)
        return existing
    }

    /// The cart as the customer sees it, priced now.
    /// - Parameter known: its lines when the caller knows them (a cart just created has none).
    func view(
        _ cart: Cart, token: String? = nil, customerKey: String? = nil, lines known: [CartLine]? = nil
    ) async throws -> CartDTO {
        let lines: [CartLine]
        if let known { lines = known } else { lines = try await CartContents.lines(of: try cart.requireID(), on: db) }
        let currency = lines.first?.currency ?? cart.currency
        let subtotal = try OrderPricing.subtotal(of: lines.map(\.pricingLine))
        var discount: Int64 = 0
        var couponProblem: String?
        if let code = cart.couponCode {
            do {
                let coupon = try await CouponService(db: db).applicable(
                    code: code, subtotal: subtotal, currency: currency, customerKey: customerKey)
                discount = coupon.discount(on: subtotal)
            } catch let error as CouponError {
                couponProblem = error.reason
            }
        }
        return CartDTO(
            id: try cart.requireID(), token: token, currency: currency,
            items: lines.map { line in
                CartDTO.Item(
                    sku: line.sku, name: line.productTitle, productSlug: line.productSlug,
                    variantTitle: line.variantTitle, quantity: line.quantity,
                    unitPrice: Money(amount: line.unitPrice, currency: currency),
                    lineTotal: Money(amount: line.pricingLine.total, currency: currency),
                    available: max(0, line.available))
            },
            itemCount: lines.reduce(0) { $0 + $1.quantity }, couponCode: cart.couponCode, couponProblem: couponProblem,
            totals: .init(
                subtotal: Money(amount: subtotal, currency: currency),
                discount: Money(amount: discount, currency: currency),
                total: Money(amount: subtotal - discount, currency: currency)))
    }

    /// The cart's lines, priced from the catalogue now, with live stock.
    func lines(of cart: Cart) async throws -> [CartLine] {
        try await CartContents.lines(of: try cart.requireID(), on: db)
    }

    /// Whether a SKU can be put in a cart now (known, and its product active).
    func isSellable(sku: String) async throws -> Bool {
        try await CartContents.sellableVariant(sku: sku, on: db) != nil
    }

    /// Claims an active cart for checkout (inside the checkout transaction): false when it is
    /// closed or another checkout claimed it first, which then waits for that one to finish.
    func claimForCheckout(_ cartID: UUID) async throws -> Bool {
        try await db.sql.raw(
            """
            UPDATE carts SET updated_at = \(bind: Date())
            WHERE id = \(bind: cartID) AND status = \(bind: Cart.Status.active.rawValue) RETURNING id
            """
        ).first() != nil
    }

    /// Closes a cart that became an order.
    func markConverted(_ cart: Cart) async throws {
        cart.status = .converted
        try await touch(cart)
    }

    /// Writes the cart's changeable fields, stamped now.
    private func touch(_ cart: Cart) async throws {
        cart.updatedAt = Date()
        try await db.sql.raw(
            """
            UPDATE carts SET customer_id = \(bind: cart.customerID), status = \(bind: cart.status.rawValue),
                currency = \(bind: cart.currency), coupon_code = \(bind: cart.couponCode),
                updated_at = \(bind: cart.updatedAt)
            WHERE id = \(bind: try cart.requireID())
            """
        ).run()
    }

    /// The cart with this id, in any status.
    private func find(_ id: UUID) async throws -> Cart? {
        let row = try await db.sql.raw(
            """
            SELECT id, token_hash, customer_id, status, currency, coupon_code, created_at, updated_at
            FROM carts WHERE id = \(bind: id)
            """
        ).first()
        guard let row else { return nil }
        let cart = Cart()
        cart.id = try row.decode(column: "id", as: UUID.self)
        cart.tokenHash = try row.decode(column: "token_hash", as: String.self)
        cart.customerID = try row.decode(column: "customer_id", as: UUID?.self)
        cart.status = try row.decodeStored(column: "status", as: Cart.Status.self)
        cart.currency = try row.decode(column: "currency", as: String.self)
        cart.couponCode = try row.decode(column: "coupon_code", as: String?.self)
        cart.createdAt = try row.decode(column: "created_at", as: Date.self)
        cart.updatedAt = try row.decode(column: "updated_at", as: Date.self)
        cart.$id.exists = true
        return cart
    }
}

extension Request {
    /// Carts on the request's database.
    var carts: CartService { CartService(db: db) }
}
