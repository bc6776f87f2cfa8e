import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// The inventory ledger: every change to on-hand or reserved stock appends one row in the same
/// transaction, and replaying the rows gives the levels.
@Suite(.serialized) struct InventoryLedgerTests {
    static let catalogue = [
        CatalogFixtures.product("Court Sneakers", category: "sneakers", price: 7_500, stock: 5),
        CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30),
    ]
    static var sneakers: UUID { catalogue[0].variants[0].id }
    static var tee: UUID { catalogue[1].variants[0].id }

    @Test(arguments: DatabaseBackend.available)
    func everyStockChangeAppendsOneRowAndTheLedgerReplaysToTheLevels(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup
            let stock = app.inventory
            let order = UUID()
            let line = StockLine(variantID: Self.sneakers, quantity: 2)
            // MUT: a checkout holds two, a second is cancelled, the first is paid and refunded with
            // one pair back on the shelf, and staff book a delivery and a count
            try await stock.reserve([line], StockChange(.checkoutReserved, actor: "customer", orderID: order))
                .assertReserved()
            try await stock.reserve([line], StockChange(.checkoutReserved, actor: "customer")).assertReserved()
            try await stock.release([line], StockChange(.reservationReleased, actor: "system"))
            try await stock.commit([line], StockChange(.sold, actor: "system", orderID: order))
            try await stock.restock(
                [StockLine(variantID: Self.sneakers, quantity: 1)], ordered: [line], order: order, actor: "staff:a@x.io"
            )
            try await stock.adjust(Self.sneakers, by: 10, StockChange(.received, actor: "staff:a@x.io"))
            try await stock.set(Self.sneakers, onHand: 12, StockChange(.countCorrection, actor: "staff:a@x.io"))
            // validate: the history, newest first, with each row's result
            let history = try await stock.movements(of: Self.sneakers, before: nil, limit: 50)
            #expect(
                history.map {
                    "\($0.reason.rawValue) \($0.deltaOnHand)/\($0.deltaReserved) → \($0.onHandAfter)/\($0.reservedAfter)"
                }
                    == [
                        "count_correction -2/0 → 12/0", "received 10/0 → 14/0", "refund_restock 1/0 → 4/0",
                        "sold -2/-2 → 3/0", "reservation_released 0/-2 → 5/2", "checkout_reserved 0/2 → 5/4",
                        "checkout_reserved 0/2 → 5/2", "opening 5/0 → 5/0",
                    ])
            #expect(history.first?.actor == "staff:a@x.io")
            #expect(history.filter { $0.orderID == order }.map(\.reason) == [.refundRestock, .sold, .checkoutReserved])
            #expect(try await stock.verifyLedger() == [])
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func aRestockIsBoundedByWhatTheOrderTookAndWhatCameBackBefore(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: an order took two tees
            let stock = app.inventory
            let order = UUID()
            let bought = [StockLine(variantID: Self.tee, quantity: 2)]
            try await stock.reserve(bought, StockChange(.checkoutReserved, actor: "customer", orderID: order))
                .assertReserved()
            try await stock.commit(bought, StockChange(.sold, actor: "system", orderID: order))
            let one = [StockLine(variantID: Self.tee, quantity: 1)]
            // MUT + validate: one back, then one more, then a third is refused; sneakers were never bought
            try await stock.restock(one, ordered: bought, order: order, actor: "staff:a@x.io")
            try await stock.restock(one, ordered: bought, order: order, actor: "staff:a@x.io")
            await #expect(throws: InventoryError.restockTooLarge(variant: Self.tee, left: 0)) {
                try await stock.restock(one, ordered: bought, order: order, actor: "staff:a@x.io")
            }
            await #expect(throws: InventoryError.restockTooLarge(variant: Self.sneakers, left: 0)) {
                try await stock.restock(
                    [StockLine(variantID: Self.sneakers, quantity: 1)], ordered: bought, order: order, actor: "x")
            }
            #expect(try await stock.level(of: Self.tee).onHand == 30)
            #expect(try await stock.verifyLedger() == [])
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func verifyNamesAVariantWhoseLevelWasChangedBehindTheLedger(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: someone edits the table by hand
            try await app.inventory.adjust(Self.tee, by: -3, StockChange(.damaged, actor: "staff:a@x.io"))
            try await app.db.sql.raw("UPDATE inventory_levels SET on_hand = 40 WHERE variant_id = \(bind: Self.tee)")
                .run()
            // MUT
            let found = try await app.inventory.verifyLedger()
            // validate: only the tee, with both figures
            #expect(found.map(\.variantID) == [Self.tee])
            #expect(found.first?.onHand == 40)
            #expect(found.first?.ledgerOnHand == 27)
            #expect(found.first?.description.contains("levels on hand 40") == true)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func theMigrationOpensTheLedgerWithTheLevelsItFinds(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: a database from before the ledger, with stock held
            try await app.inventory.reserve(
                [StockLine(variantID: Self.tee, quantity: 4)], StockChange(.checkoutReserved, actor: "customer")
            ).assertReserved()
            try await CreateInventoryLedger().revert(on: app.db)
            // MUT
            try await CreateInventoryLedger().prepare(on: app.db)
            // validate: one opening row per stocked variant, and the ledger explains the levels
            let opening = try await app.inventory.movements(of: Self.tee, before: nil, limit: 5)
            #expect(opening.map { "\($0.reason.rawValue) \($0.onHandAfter)/\($0.reservedAfter)" } == ["opening 30/4"])
            #expect(try await app.inventory.verifyLedger() == [])
        }
    }
}
