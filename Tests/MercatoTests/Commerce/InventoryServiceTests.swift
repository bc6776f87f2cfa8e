import Fluent
import Foundation
import Testing
import Vapor

@testable import Mercato

/// Stock through `InventoryService`, the one writer of `inventory_levels`, on both databases.
@Suite(.serialized) struct InventoryServiceTests {
    static let catalogue = [
        CatalogFixtures.product("Court Sneakers", category: "sneakers", price: 7_500, stock: 3),
        CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30),
    ]
    static var sneakers: UUID { catalogue[0].variants[0].id }
    static var tee: UUID { catalogue[1].variants[0].id }
    static let unknown = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!
    static let held = StockChange(.checkoutReserved, actor: "customer")
    static let counted = StockChange(.countCorrection, actor: "staff:owner@example.com")

    @Test(arguments: DatabaseBackend.available)
    func aReservationHoldsEveryLineOrNone(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup
            let inventory = app.inventory
            struct RolledBack: Error { var outcome: InventoryService.ReservationOutcome }
            // MUT: tees and more sneakers than there are, in a transaction that rolls back when
            // short, as checkout's does
            var refused: InventoryService.ReservationOutcome?
            do {
                try await app.db.transaction { tx in
                    let outcome = try await InventoryService(db: tx).reserve(
                        [
                            StockLine(variantID: Self.tee, quantity: 2),
                            StockLine(variantID: Self.sneakers, quantity: 4),
                        ], Self.held)
                    if case .shortOf = outcome { throw RolledBack(outcome: outcome) }
                }
            } catch let error as RolledBack {
                refused = error.outcome
            }
            // validate: refused by the sneakers line, and the tees aren't held either
            #expect(refused == .shortOf(Self.sneakers))
            #expect(try await inventory.availability(of: [Self.tee])[Self.tee] == 30)
            // MUT: everything there is, in one transaction
            let outcome = try await app.db.transaction { tx in
                try await InventoryService(db: tx).reserve(
                    [StockLine(variantID: Self.sneakers, quantity: 3)], Self.held)
            }
            // validate: held, and the sneakers are now sold out
            #expect(outcome == .reserved(exhausted: [Self.sneakers], products: [Self.catalogue[0].id]))
            #expect(try await inventory.availability(of: [Self.sneakers])[Self.sneakers] == 0)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func availabilityOfManyVariantsInOneCall(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup
            let unknown = UUID()
            try await app.inventory.reserve([StockLine(variantID: Self.tee, quantity: 5)], Self.held).assertReserved()
            // MUT
            let available = try await app.inventory.availability(of: [Self.sneakers, Self.tee, unknown])
            // validate: free stock per variant; a variant without stock is absent
            #expect(available == [Self.sneakers: 3, Self.tee: 25])
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func releaseAndCommitMoveReservedStock(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: two tees held twice
            let inventory = app.inventory
            let line = StockLine(variantID: Self.tee, quantity: 2)
            try await inventory.reserve([line], Self.held).assertReserved()
            try await inventory.reserve([line], Self.held).assertReserved()
            // MUT: one order is cancelled, the other paid
            try await inventory.release([line], StockChange(.reservationReleased, actor: "system"))
            try await inventory.commit([line], StockChange(.sold, actor: "system"))
            // validate: two tees left the shelf, nothing is held
            let level = try await inventory.level(of: Self.tee)
            #expect((level.onHand, level.reserved) == (28, 0))
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func anAdjustmentCannotTakeStockBelowWhatOrdersHold(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: two of the three sneakers are held by an order
            let inventory = app.inventory
            try await inventory.reserve([StockLine(variantID: Self.sneakers, quantity: 2)], Self.held).assertReserved()
            // MUT + validate: a count finds one pair missing (allowed), then another write-off too many
            #expect(try await inventory.adjust(Self.sneakers, by: -1, Self.counted).onHand == 2)
            await #expect(throws: InventoryError.belowReserved(onHand: 1, reserved: 2)) {
                try await inventory.adjust(Self.sneakers, by: -1, Self.counted)
            }
            await #expect(throws: InventoryError.outOfRange(-8)) {
                try await inventory.adjust(Self.sneakers, by: -10, Self.counted)
            }
            await #expect(throws: InventoryError.unknownVariant(Self.unknown)) {
                try await inventory.adjust(Self.unknown, by: 1, Self.counted)
            }
            // validate: the refusals changed nothing; a delivery adds up
            #expect(try await inventory.adjust(Self.sneakers, by: 10, Self.counted).onHand == 12)
            #expect(try await inventory.level(of: Self.sneakers).reserved == 2)
        }
    }
}

extension InventoryService.ReservationOutcome {
    func assertReserved(sourceLocation: SourceLocation = #_sourceLocation) {
        if case .shortOf(let variant) = self {
            Issue.record("expected the reservation to hold; short of \(variant)", sourceLocation: sourceLocation)
        }
    }
}
