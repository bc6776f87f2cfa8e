/// The price of a basket: always recomputed from the catalogue and the shop's rules, never taken
/// from the client. Pure, so every rounding rule is unit-tested; every sum and product is checked,
/// so extreme amounts end in `OrderError.amountTooLarge` (a 422), never in a trap.
struct OrderPricing: Equatable, Sendable {
    struct Line: Equatable, Sendable {
        var unitPrice: Int64
        var quantity: Int
        var weightGrams: Int

        /// `unitPrice × quantity`, or nil when it doesn't fit.
        var checkedTotal: Int64? {
            let (total, overflow) = unitPrice.multipliedReportingOverflow(by: Int64(quantity))
            return overflow ? nil : total
        }

        /// The line's total for display; pricing uses `checkedTotal`.
        var total: Int64 { checkedTotal ?? Int64.max }
    }

    /// The largest order total the shop takes (1000 × `Money.maximumAmount`): far above any real
    /// basket, far below where Int64 arithmetic could overflow.
    static let maximumTotal: Int64 = Money.maximumAmount * 1_000

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
    /// - Throws: `OrderError.amountTooLarge` when any amount is negative or the total would pass
    ///   `maximumTotal`.
    static func compute(
        lines: [Line], discount: Int64, shipping: Int64, taxRateBasisPoints: Int, pricesIncludeTax: Bool
    ) throws -> OrderPricing {
        let subtotal = try subtotal(of: lines)
        guard shipping >= 0, shipping <= maximumTotal, (0...10_000) ~= taxRateBasisPoints else {
            throw OrderError.amountTooLarge
        }
        let discount = min(max(0, discount), subtotal)
        // Both below maximumTotal (1e14), so neither this sum nor the tax on it can overflow.
        let taxable = subtotal - discount + shipping
        let rate = Int64(taxRateBasisPoints)
        let pricing: OrderPricing
        if pricesIncludeTax {
            // Tax is the part of the gross amount that isn't net: gross × rate ÷ (1 + rate).
            let tax = MinorUnits.scale(taxable, by: rate, over: 10_000 + rate)
            pricing = OrderPricing(subtotal: subtotal, discount: discount, shipping: shipping, tax: tax, total: taxable)
        } else {
            let tax = MinorUnits.scale(taxable, by: rate, over: 10_000)
            pricing = OrderPricing(
                subtotal: subtotal, discount: discount, shipping: shipping, tax: tax, total: taxable + tax)
        }
        guard pricing.total <= maximumTotal else { throw OrderError.amountTooLarge }
        return pricing
    }

    /// The sum of the lines' totals, checked at every step.
    static func subtotal(of lines: [Line]) throws -> Int64 {
        var subtotal: Int64 = 0
        for line in lines {
            guard line.unitPrice >= 0, line.quantity >= 0, let total = line.checkedTotal else {
                throw OrderError.amountTooLarge
            }
            let (sum, overflow) = subtotal.addingReportingOverflow(total)
            guard !overflow, sum <= maximumTotal else { throw OrderError.amountTooLarge }
            subtotal = sum
        }
        return subtotal
    }

    /// Total weight, for weight-band shipping; an absurd weight saturates (no band takes it).
    static func weight(of lines: [Line]) -> Int {
        lines.reduce(0) { sum, line in
            let (weight, overflow) = line.weightGrams.multipliedReportingOverflow(by: line.quantity)
            let (total, sumOverflow) = sum.addingReportingOverflow(overflow ? Int.max : weight)
            return sumOverflow ? Int.max : total
        }
    }
}
