import Foundation
import Vapor

/// A cart on the wire, priced from the catalogue at the time of the request.
struct CartDTO: Content, Equatable {
    struct Item: Content, Equatable {
        var sku: String
        var name: String
        var productSlug: String
        var variantTitle: String
        var quantity: Int
        var unitPrice: Money
        var lineTotal: Money
        /// Live stock left for this SKU (on hand minus reserved).
        var available: Int
    }

    struct Totals: Content, Equatable {
        var subtotal: Money
        var discount: Money
        /// Before shipping and (for tax-exclusive prices) tax, which checkout adds.
        var total: Money
    }

    var id: UUID
    /// Only in the response that created the cart: keep it, it opens the cart.
    var token: String?
    var currency: String
    var items: [Item]
    var itemCount: Int
    var couponCode: String?
    /// Why the applied coupon doesn't discount this basket right now, if it doesn't.
    var couponProblem: String?
    var totals: Totals
}
