import Fluent
import Foundation
import Vapor

/// An order on the wire.
struct OrderDTO: Content, Equatable {
    struct Line: Content, Equatable {
        var sku: String
        var name: String
        var quantity: Int
        var unitPrice: Money
        var lineTotal: Money
    }

    struct Totals: Content, Equatable {
        var subtotal: Money
        var discount: Money
        var shipping: Money
        var tax: Money
        var total: Money
        var pricesIncludeTax: Bool
    }

    struct Payment: Content, Equatable {
        var provider: String
        var id: String?
        var status: String?
        /// For Stripe.js to confirm in the browser.
        var clientSecret: String?
        /// Where the customer must go to authenticate the payment.
        var nextActionURL: String?
        var amountRefunded: Money
    }

    struct Transition: Content, Equatable {
        var from: String?
        var to: String
        var actor: String
        var note: String?
        var at: Date
    }

    var id: UUID
    var number: String
    /// Only in the checkout response: it opens the order for a guest.
    var token: String?
    var status: OrderStatus
    var email: String
    var currency: String
    var items: [Line]
    var totals: Totals
    var couponCode: String?
    var shippingMethod: String
    var shippingAddress: PostalAddress?
    var payment: Payment
    var reservationExpiresAt: Date
    var createdAt: Date
    var paidAt: Date?
    var transitions: [Transition]
}

extension Order {
    /// The wire form, with lines and transitions loaded from `db`. The live payment fields are
    /// filled by the payments domain (`dto(on:token:payment:)` there).
    func dto(on db: any Database, token: String? = nil) async throws -> OrderDTO {
        let id = try requireID()
        // Loaded by `create` (in order) or by an eager load; read otherwise.
        var lines = $lines.value?.sorted { $0.position < $1.position } ?? []
        if $lines.value == nil {
            lines = try await OrderLine.read(order: id, on: db)
        }
        var transitions = $transitions.value?.sorted { $0.createdAt < $1.createdAt } ?? []
        if $transitions.value == nil {
            transitions = try await OrderTransition.read(order: id, on: db)
        }
        let money = { (amount: Int64) in Money(amount: amount, currency: self.currency) }
        return OrderDTO(
            id: id, number: number, token: token, status: status, email: email, currency: currency,
            items: lines.map {
                .init(
                    sku: $0.sku, name: $0.name, quantity: $0.quantity, unitPrice: money($0.unitPrice),
                    lineTotal: money($0.lineTotal))
            },
            totals: .init(
                subtotal: money(subtotal), discount: money(discount), shipping: money(shipping), tax: money(tax),
                total: money(total), pricesIncludeTax: pricesIncludeTax),
            couponCode: couponCode, shippingMethod: shippingMethod, shippingAddress: shippingAddress,
            payment: .init(
                provider: paymentProvider, id: paymentID, status: nil, clientSecret: nil, nextActionURL: nil,
                amountRefunded: money(amountRefunded)),
            reservationExpiresAt: reservationExpiresAt, createdAt: createdAt, paidAt: paidAt,
            transitions: transitions.map {
                .init(
                    from: $0.fromStatus?.rawValue, to: $0.toStatus.rawValue, actor: $0.actor, note: $0.note,
                    at: $0.createdAt)
            })
    }
}

/// One line of a customer's order history.
struct OrderSummaryDTO: Content, Equatable {
    var id: UUID
    var number: String
    var status: OrderStatus
    var total: Money
    var itemCount: Int
    var createdAt: Date
}
