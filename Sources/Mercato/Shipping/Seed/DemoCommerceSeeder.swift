import Fluent
import Foundation

/// The shipping methods, tax rates and a welcome coupon a demo shop needs for checkout to work
/// out of the box. Idempotent: anything already there by code (or country and region) is kept.
struct DemoCommerceSeeder {
    let database: any Database

    struct Outcome: Equatable {
        var created: Int
    }

    func run() async throws -> Outcome {
        var created = 0
        let methods = [
            ShippingMethod(
                code: "standard", name: "Standard (3–5 days)", zone: "DE,AT,FR,NL,BE,IT,ES,PL", rateKind: .flat,
                flatAmount: 490, freeOver: 5_000, currency: "EUR", position: 1),
            ShippingMethod(
                code: "express", name: "Express (next day)", zone: "DE,AT", rateKind: .weight,
                weightBands: [.init(upToGrams: 2_000, amount: 990), .init(upToGrams: 10_000, amount: 1_990)],
                currency: "EUR", position: 2),
            ShippingMethod(
                code: "international", name: "International", zone: "*", rateKind: .flat, flatAmount: 1_990,
                currency: "EUR", position: 3),
        ]
        for method in methods
        where try await ShippingMethod.query(on: database).filter(\.$code == method.code).count() == 0 {
            try await method.create(on: database)
            created += 1
        }
        let rates = [
            TaxRate(country: "DE", name: "MwSt.", rateBasisPoints: 1_900),
            TaxRate(country: "AT", name: "USt.", rateBasisPoints: 2_000),
            TaxRate(country: "FR", name: "TVA", rateBasisPoints: 2_000),
            TaxRate(country: "NL", name: "BTW", rateBasisPoints: 2_100),
            TaxRate(country: "US", region: "CA", name: "Sales tax", rateBasisPoints: 725),
        ]
        for rate in rates {
            var query = TaxRate.query(on: database).filter(\.$country == rate.country)
            query = rate.region.map { query.filter(\.$region == $0) } ?? query.filter(\.$region == nil)
            if try await query.count() == 0 {
                try await rate.create(on: database)
                created += 1
            }
        }
        if try await Coupon.query(on: database).filter(\.$code == "WELCOME10").count() == 0 {
            try await Coupon(code: "WELCOME10", kind: .percentage, value: 1_000, perCustomerLimit: 1).create(
                on: database)
            created += 1
        }
        return Outcome(created: created)
    }
}
