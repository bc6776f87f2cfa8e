/// The price of a basket: always recomputed from the catalogue and the shop's rules, never taken
/// from the client. Pure, so every rounding rule is unit-tested.
struct OrderPricing: Equatable, Sendable {
    struct Line: Equatable, Sendable {
        var unitPrice: Int64
        var quantity: Int
        var weightGrams: Int

        var total: Int64 { unitPrice * Int64(quantity) }
    }

    var subtotal: Int64
    var discount: Int64
    var shipping: Int64
    /// The tax contained in (inclusive prices) or added to (exclusive prices) the total.
    var tax: Int64
    var total: Int64

    /// Prices a basket.
    /// - Parameters:
    ///   - discount: what the coupon takes off the subtotal, already capped at the subtotal.
    ///   - shipping: the shipping charge for the method chosen.
    ///   - taxRateBasisPoints: 1900 for 19 %.
    ///   - pricesIncludeTax: whether catalogue prices (and shipping) already contain tax.
    static func compute(
        lines: [Line], discount: Int64, shipping: Int64, taxRateBasisPoints: Int, pricesIncludeTax: Bool
    ) -> OrderPricing {
        let subtotal = lines.reduce(0) { $0 + $1.total }
        let discount = min(max(0, discount), subtotal)
        let taxable = subtotal - discount + shipping
        let rate = Int64(taxRateBasisPoints)
        if pricesIncludeTax {
            // Tax is the part of the gross amount that isn't net: gross × rate ÷ (1 + rate).
            let tax = MinorUnits.scale(taxable, by: rate, over: 10_000 + rate)
            return OrderPricing(subtotal: subtotal, discount: discount, shipping: shipping, tax: tax, total: taxable)
        }
        let tax = MinorUnits.scale(taxable, by: rate, over: 10_000)
        return OrderPricing(
            subtotal: subtotal, discount: discount, shipping: shipping, tax: tax, total: taxable + tax)
    }

    /// Total weight, for weight-band shipping.
    static func weight(of lines: [Line]) -> Int {
        lines.reduce(0) { $0 + $1.weightGrams * $1.quantity }
    }
}
