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
/// Every change is one conditional `UPDATE`: PostgreSQL re-checks the condition after waiting for
/// a concurrent update of the same row, so no number of instances can oversell.
struct InventoryService {
    let db: any Database

    /// The largest on-hand figure a variant may have; keeps every sum far from overflow.
    static let maximumOnHand = 1_000_000_000

    /// Reserves every line or none: returns the products whose stock moved and the lines left with
    /// no free stock (for cache invalidation), or `shortOf` naming the first line that didn't fit. Call inside the order's transaction; lines are taken in variant order so two
    /// multi-line checkouts can't deadlock.
    func reserve(_ lines: [StockLine]) async throws -> ReservationOutcome {
        var exhausted: [UUID] = []
        var products: Set<UUID> = []
        for line in lines.sorted(by: { $0.variantID.uuidString < $1.variantID.uuidString }) {
            let row = try await db.sql.raw(
                """
                UPDATE inventory_levels SET reserved = reserved + \(bind: line.quantity), updated_at = \(bind: Date())
                WHERE variant_id = \(bind: line.variantID) AND on_hand - reserved >= \(bind: line.quantity)
                RETURNING on_hand - reserved AS available, product_id
                """
            ).first()
            guard let row else { return .shortOf(line.variantID) }
            if try row.decode(column: "available", as: Int.self) == 0 { exhausted.append(line.variantID) }
            products.insert(try row.decode(column: "product_id", as: UUID.self))
        }
        return .reserved(exhausted: exhausted, products: products)
    }

    /// The result of `reserve`: every line held, or the variant that had too little.
    enum ReservationOutcome: Sendable, Equatable {
        case reserved(exhausted: [UUID], products: Set<UUID>)
        case shortOf(UUID)
    }

    /// Returns reserved stock to sale (an order cancelled or expired unpaid); gives the products
    /// whose stock came back.
    @discardableResult
    func release(_ lines: [StockLine]) async throws -> Set<UUID> {
        var products: Set<UUID> = []
        for line in lines {
            let row = try await db.sql.raw(
                """
                UPDATE inventory_levels SET reserved = reserved - \(bind: line.quantity), updated_at = \(bind: Date())
                WHERE variant_id = \(bind: line.variantID) RETURNING product_id
                """
            ).first()
            if let row { products.insert(try row.decode(column: "product_id", as: UUID.self)) }
        }
        return products
    }

    /// Turns reservations into sales (an order paid): the goods leave on-hand stock.
    func commit(_ lines: [StockLine]) async throws {
        for line in lines {
            try await db.sql.raw(
                """
                UPDATE inventory_levels
                SET on_hand = on_hand - \(bind: line.quantity), reserved = reserved - \(bind: line.quantity),
                  updated_at = \(bind: Date())
                WHERE variant_id = \(bind: line.variantID)
                """
            ).run()
        }
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

    /// Changes on-hand stock by `delta` (a count, a delivery, a write-off). Refused when it would
    /// drop below zero or below what open orders hold, in the same conditional update.
    @discardableResult
    func adjust(_ variantID: UUID, by delta: Int) async throws -> InventoryLevel {
        guard abs(delta) <= Self.maximumOnHand else { throw InventoryError.outOfRange(delta) }
        let moved = try await db.sql.raw(
            """
            UPDATE inventory_levels SET on_hand = on_hand + \(bind: delta), updated_at = \(bind: Date())
            WHERE variant_id = \(bind: variantID) AND on_hand + \(bind: delta) >= reserved
              AND on_hand + \(bind: delta) >= 0 AND on_hand + \(bind: delta) <= \(bind: Self.maximumOnHand)
            RETURNING variant_id
            """
        ).first()
        let level = try await level(of: variantID)
        guard moved != nil else {
            let wanted = level.onHand + delta
            if wanted < 0 || wanted > Self.maximumOnHand { throw InventoryError.outOfRange(wanted) }
            throw InventoryError.belowReserved(onHand: wanted, reserved: level.reserved)
        }
        return level
    }

    /// Opens stock rows for new variants (catalogue import and seeding), many per statement.
    func createLevels(_ levels: [(variantID: UUID, productID: UUID, onHand: Int)], now: Date = Date()) async throws {
        for level in levels where !(0...Self.maximumOnHand ~= level.onHand) {
            throw InventoryError.outOfRange(level.onHand)
        }
        for chunk in levels.chunked(into: 500) {
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
