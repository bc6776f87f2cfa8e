import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import Mercato

@Suite struct DemoCatalogSeederTests {
    @Test func seedingIsDeterministicAndIdempotent() async throws {
        try await TestSupport.withApp { app in
            let seeder = DemoCatalogSeeder(
                database: app.db, search: app.searchEngine, storage: app.objectStorage, seed: 7)
            // MUT
            let first = try await seeder.run(products: 60)
            let again = try await seeder.run(products: 80)
            // validate
            #expect(first == .init(created: 60, skipped: 0))
            #expect(again == .init(created: 20, skipped: 60))
            let sql = try app.db.sql
            let products = try await sql.raw("SELECT COUNT(*) AS n FROM products").first()?.decode(
                column: "n", as: Int.self)
            #expect(products == 80)
            let orphans = try await sql.raw(
                "SELECT COUNT(*) AS n FROM products p WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id)"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(orphans == 0)
            // The same seed and number always give the same product, ids included.
            let generator = DemoProductGenerator(seed: 7)
            #expect(generator.product(number: 5).id == DemoProductGenerator(seed: 7).product(number: 5).id)
            #expect(generator.product(number: 5).title != DemoProductGenerator(seed: 8).product(number: 5).title)
            let storedImage = try await app.objectStorage.get(
                key: DemoCatalogSeeder.imageKey(generator.product(number: 5)))
            #expect(storedImage?.contentType == "image/svg+xml")
        }
    }

    @Test func demoPricesAreIntegerMinorUnitsInRange() {
        let generator = DemoProductGenerator(seed: 1)
        for number in 0..<200 {
            let product = generator.product(number: number)
            #expect(product.variants.allSatisfy { $0.price > 0 && $0.price % 100 == 99 || $0.price % 1_000 == 900 })
            #expect(!product.variants.isEmpty)
            #expect(product.priceMin <= product.priceMax)
        }
    }
}
