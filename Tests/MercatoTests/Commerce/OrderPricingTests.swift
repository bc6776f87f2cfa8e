import Testing

@testable import Mercato

@Suite struct OrderPricingTests {
    let tee = OrderPricing.Line(unitPrice: 1_999, quantity: 3, weightGrams: 200)

    @Test func inclusivePricesContainTheirTaxAndTheTotalIsWhatTheCustomerSaw() throws {
        // setup: 3 × €19.99 + €4.90 shipping at 19 % VAT included
        // MUT
        let pricing = try OrderPricing.compute(
            lines: [tee], discount: 0, shipping: 490, taxRateBasisPoints: 1_900, pricesIncludeTax: true)
        // validate: total 64.87; tax = 64.87 × 19/119 = 10.357… → 10.36
        #expect(pricing.subtotal == 5_997)
        #expect(pricing.total == 6_487)
        #expect(pricing.tax == 1_036)
    }

    @Test func exclusivePricesAddTaxRoundedHalfUp() throws {
        // setup: $10.10 at 7.25 % → 0.73225 → 0.73; $10.20 → 0.7395 → 0.74
        let small = try OrderPricing.compute(
            lines: [.init(unitPrice: 1_010, quantity: 1, weightGrams: 0)], discount: 0, shipping: 0,
            taxRateBasisPoints: 725, pricesIncludeTax: false)
        let half = try OrderPricing.compute(
            lines: [.init(unitPrice: 200, quantity: 1, weightGrams: 0)], discount: 0, shipping: 0,
            taxRateBasisPoints: 2_500, pricesIncludeTax: false)
        // validate
        #expect(small.tax == 73)
        #expect(small.total == 1_083)
        #expect(half.tax == 50)  // exactly half a cent would be 0.5 → rounds up
        let oddHalf = try OrderPricing.compute(
            lines: [.init(unitPrice: 2, quantity: 1, weightGrams: 0)], discount: 0, shipping: 0,
            taxRateBasisPoints: 2_500, pricesIncludeTax: false)
        #expect(oddHalf.tax == 1)  // 0.5 cent → 1
    }

    @Test func discountsComeOffBeforeTaxAndNeverBelowZero() throws {
        let pricing = try OrderPricing.compute(
            lines: [tee], discount: 10_000, shipping: 490, taxRateBasisPoints: 1_900, pricesIncludeTax: false)
        #expect(pricing.discount == 5_997)
        #expect(pricing.total == 490 + MinorUnits.scale(490, by: 1_900, over: 10_000))
    }

    @Test func percentageCouponsRoundToTheCent() throws {
        let coupon = Coupon(code: "TEN", kind: .percentage, value: 1_000)
        #expect(coupon.discount(on: 5_997) == 600)  // 599.7 → 600
        #expect(coupon.discount(on: 5) == 1)  // 0.5 → 1
        let fixed = Coupon(code: "FIVE", kind: .fixed, value: 500, currency: "EUR")
        #expect(fixed.discount(on: 300) == 300)
    }

    @Test func hugeBasketsDoNotOverflow() throws {
        // The largest basket the shop takes prices exactly; a larger one is refused, not wrapped.
        let pricing = try OrderPricing.compute(
            lines: [.init(unitPrice: Money.maximumAmount, quantity: 99, weightGrams: 1)], discount: 0, shipping: 0,
            taxRateBasisPoints: 2_500, pricesIncludeTax: true)
        #expect(pricing.total == 9_900_000_000_000)
        #expect(pricing.tax == 1_980_000_000_000)
        #expect(throws: OrderError.amountTooLarge) {
            try OrderPricing.compute(
                lines: [.init(unitPrice: 9_000_000_000_000, quantity: 99, weightGrams: 1)], discount: 0, shipping: 0,
                taxRateBasisPoints: 2_500, pricesIncludeTax: true)
        }
    }

    @Test func shippingRatesByZoneWeightAndThreshold() {
        let standard = ShippingMethod(
            code: "standard", name: "Standard", zone: "DE,AT,US-CA", rateKind: .flat, flatAmount: 490, freeOver: 5_000,
            currency: "EUR")
        #expect(standard.serves(country: "de", region: nil))
        #expect(standard.serves(country: "US", region: "ca"))
        #expect(!standard.serves(country: "US", region: "NY"))
        #expect(!standard.serves(country: "FR", region: nil))
        #expect(standard.charge(merchandise: 4_999, weightGrams: 100) == 490)
        #expect(standard.charge(merchandise: 5_000, weightGrams: 100) == 0)
        let express = ShippingMethod(
            code: "express", name: "Express", zone: "*", rateKind: .weight,
            weightBands: [.init(upToGrams: 10_000, amount: 1_990), .init(upToGrams: 2_000, amount: 990)],
            currency: "EUR")
        #expect(express.serves(country: "JP", region: nil))
        #expect(express.charge(merchandise: 100, weightGrams: 2_000) == 990)
        #expect(express.charge(merchandise: 100, weightGrams: 2_001) == 1_990)
        #expect(express.charge(merchandise: 100, weightGrams: 10_001) == nil)
    }

    @Test func theStateMachineAllowsOnlyTheDocumentedMoves() {
        #expect(OrderStatus.pendingPayment.canMove(to: .paid))
        #expect(OrderStatus.paid.canMove(to: .fulfilled))
        #expect(OrderStatus.fulfilled.canMove(to: .shipped))
        #expect(OrderStatus.shipped.canMove(to: .delivered))
        #expect(OrderStatus.delivered.canMove(to: .partiallyRefunded))
        #expect(OrderStatus.partiallyRefunded.canMove(to: .refunded))
        #expect(!OrderStatus.pendingPayment.canMove(to: .shipped))
        #expect(!OrderStatus.paid.canMove(to: .pendingPayment))
        #expect(!OrderStatus.cancelled.canMove(to: .paid))
        #expect(!OrderStatus.refunded.canMove(to: .shipped))
        #expect(!OrderStatus.delivered.canMove(to: .shipped))
    }
}
