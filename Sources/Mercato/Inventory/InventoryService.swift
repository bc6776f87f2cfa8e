import Fluent
import Foundation
import SQLKit
import Vapor

/// One quantity of one variant: a cart or order line as stock sees it.
struct StockLine: Sendable, Equatable {
    var variantID: UUID
    var quantity: Int
}

/// The only code that writes `inventory_levels`: reservations for checkout, their release or
/// commit when an order is cancelled or paid, availability for carts and product pages, and
/// stock corrections.
///
/// Every reservation is one conditional `UPDATE`: PostgreSQL re-checks the condition after waiting
/// for a concurrent update of the same row, so no number of instances can oversell. Every change to
/// on-hand or reserved stock appends its row to the inventory ledger (`StockLedger`) in the same
/// transaction, so `mercato inventory verify` can replay the ledger to the levels.
struct InventoryService {
    let db: any Database

    /// The largest on-hand figure a variant may have; keeps every sum far from overflow.
    static let maximumOnHand = 1_000_000_000

    /// Reserves every line or none: returns the products whose stock moved and the lines left with
    /// no free stock (for cache invalidation), or `shortOf` naming the first line that didn't fit.
    /// Call inside the order's transaction; lines are taken in variant order so two multi-line
    /// checkouts can't deadlock. Each held line appends a `checkout_reserved` ledger row.
    func reserve(_ lines: [StockLine], _ change: StockChange) async throws -> ReservationOutcome {
        var exhausted: [UUID] = []
        var movements: [StockMovement] = []
        let now = Date()
        for line in lines.sorted(by: { $0.variantID.uuidString < $1.variantID.uuidString }) {
            let row = try await db.sql.raw(
                """
                UPDATE inventory_levels SET reserved = reserved + \(bind: line.quantity), updated_at = \(bind: now)
                WHERE variant_id = \(bind: line.variantID) AND on_hand - reserved >= \(bind: line.quantity)
                RETURNING on_hand, reserved, product_id
                """
            ).first()
            guard let row else { return .shortOf(line.variantID) }
            let movement = try Self.movement(of: line.variantID, from: row, onHand: 0, reserved: line.quantity)
            if movement.onHandAfter == movement.reservedAfter { exhausted.append(line.variantID) }
            movements.append(movement)
        }
        try await StockLedger.append(movements, change, on: db, at: now)
        return .reserved(exhausted: exhausted, products: Set(movements.map(\.productID)))
    }

    /// The result of `reserve`: every line held, or the variant that had too little.
    enum ReservationOutcome: Sendable, Equatable {
        case reserved(exhausted: [UUID], products: Set<UUID>)
        case shortOf(UUID)
    }

    /// Returns reserved stock to sale (an order cancelled or expired unpaid); gives the products
    /// whose stock came back.
    @discardableResult
    func release(_ lines: [StockLine], _ change: StockChange) async throws -> Set<UUID> {
        try await move(lines, onHand: 0, reserved: -1, change)
    }

    /// Turns reservations into sales (an order paid): the goods leave on-hand stock.
    func commit(_ lines: [StockLine], _ change: StockChange) async throws {
        try await move(lines, onHand: -1, reserved: -1, change)
    }

    /// Applies each line's quantity times the signs given to on-hand and reserved stock, one
    /// unconditional update per line, and appends the ledger rows; returns the products touched.
    private func move(_ lines: [StockLine], onHand: Int, reserved: Int, _ change: StockChange) async throws
        -> Set<UUID>
    {
        var movements: [StockMovement] = []
        let now = Date()
        for line in lines.sorted(by: { $0.variantID.uuidString < $1.variantID.uuidString }) {
            let deltaOnHand = onHand * line.quantity
            let deltaReserved = reserved * line.quantity
            let row = try await db.sql.raw(
                """
                UPDATE inventory_levels
                SET on_hand = on_hand + \(bind: deltaOnHand), reserved = reserved + \(bind: deltaReserved),
                  updated_at = \(bind: now)
                WHERE variant_id = \(bind: line.variantID) RETURNING on_hand, reserved, product_id
                """
            ).first()
            if let row {
                movements.append(
                    try Self.movement(of: line.variantID, from: row, onHand: deltaOnHand, reserved: deltaReserved))
            }
        }
        try await StockLedger.append(movements, change, on: db, at: now)
        return Set(movements.map(\.productID))
    }

    /// The ledger row for a level update's `RETURNING on_hand, reserved, product_id`.
    static func movement(of variantID: UUID, from row: any SQLRow, onHand: Int, reserved: Int) throws
        -> StockMovement
    {
        StockMovement(
            variantID: variantID, productID: try row.decode(column: "product_id", as: UUID.self),
            deltaOnHand: onHand, deltaReserved: reserved,
            onHandAfter: try row.decode(column: "on_hand", as: Int.self),
            reservedAfter: try row.decode(column: "reserved", as: Int.self))
    }

    /// Free stock (on hand minus reserved) of each variant asked for; variants without a stock
    /// row are absent, which callers read as none.
    func availability(of variantIDs: [UUID]) async throws -> [UUID: Int] {
        guard !variantIDs.isEmpty else { return [:] }
        var available: [UUID: Int] = [:]
        for chunk in Array(Set(variantIDs)).chunked(into: 500) {
            for level in try await InventoryLevel.query(on: db).filter(\.$id ~~ chunk).all() {
                available[try level.requireID()] = level.available
            }
        }
        return available
    }

    /// Free stock of every variant of a product.
    func availability(ofProduct productID: UUID) async throws -> [UUID: Int] {
        var available: [UUID: Int] = [:]
        for level in try await InventoryLevel.query(on: db).filter(\.$productID == productID).all() {
            available[try level.requireID()] = level.available
        }
        return available
    }

    /// The stock row of a variant.
    func level(of variantID: UUID) async throws -> InventoryLevel {
        guard let level = try await InventoryLevel.find(variantID, on: db) else {
            throw InventoryError.unknownVariant(variantID)
        }
        return level
    }

    /// Opens stock rows for new variants (catalogue import and seeding), many per statement, each
    /// with its `opening` ledger row.
    func createLevels(
        _ levels: [(variantID: UUID, productID: UUID, onHand: Int)], actor: String, now: Date = Date()
    ) async throws {
        for level in levels where !(0...Self.maximumOnHand ~= level.onHand) {
            throw InventoryError.outOfRange(level.onHand)
        }
        for chunk in levels.chunked(into: 400) {
            try await db.sql.insert(into: InventoryLevel.schema)
                .columns("variant_id", "product_id", "on_hand", "reserved", "updated_at")
                .rows(
                    chunk.map { level in
                        [
                            SQLBind(level.variantID), SQLBind(level.productID), SQLBind(level.onHand), SQLBind(0),
                            SQLBind(now),
                        ]
                    }
                ).run()
            let movements = chunk.map {
                StockMovement(
                    variantID: $0.variantID, productID: $0.productID, deltaOnHand: $0.onHand, deltaReserved: 0,
                    onHandAfter: $0.onHand, reservedAfter: 0)
            }
            try await StockLedger.append(movements, StockChange(.opening, actor: actor), on: db, at: now)
        }
    }
}

extension Application {
    /// Stock on the application's database.
    var inventory: InventoryService { InventoryService(db: db) }
}

extension Request {
    /// Stock on the request's database.
    var inventory: InventoryService { InventoryService(db: db) }
}

extension InventoryService {
    /// Marks variants' stock as sellable or not, when staff switch variants on or off: only sellable
    /// stock makes a product "in stock" in listings and search. Levels and the ledger don't change.
    func setSellable(_ variantIDs: [UUID], _ sellable: Bool) async throws {
        for chunk in variantIDs.chunked(into: 500) where !chunk.isEmpty {
            try await db.sql.raw(
                "UPDATE inventory_levels SET sellable = \(bind: sellable) WHERE variant_id IN (\(binds: chunk))"
            ).run()
        }
    }
}

extension InventoryService {
    /// Locks a product's stock rows until the transaction ends, so a checkout reserving them waits
    /// for (and then sees) a change to the product such as its deletion. (On SQLite the
    /// transaction's database-wide write lock does this already.)
    func lockLevels(ofProduct productID: UUID) async throws {
        try await db.sql.raw(
            "UPDATE inventory_levels SET updated_at = updated_at WHERE product_id = \(bind: productID)"
        ).run()
    }
}
