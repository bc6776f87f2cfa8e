import Fluent
import Foundation
import SQLKit

/// A staff correction of on-hand stock: by a difference, or to a counted figure.
enum StockCorrection: Sendable, Equatable {
    case by(Int)
    case to(Int)
}

/// What a correction left: the level, its ledger row, and whether this call only replayed an
/// earlier one with the same idempotency key.
struct StockCorrectionResult: Sendable {
    var level: InventoryLevel
    var movement: StockMovementRecord
    var replayed: Bool
}

extension InventoryService {
    /// Changes on-hand stock by `delta` (a delivery, a write-off) with the reason staff gave.
    /// Refused when it would drop below zero or below what open orders hold.
    @discardableResult
    func adjust(_ variantID: UUID, by delta: Int, _ change: StockChange) async throws -> InventoryLevel {
        try await apply(.by(delta), to: variantID, change).level
    }

    /// Sets on-hand stock to a counted figure with the reason staff gave; the ledger row records the
    /// difference. Refused below what open orders hold.
    @discardableResult
    func set(_ variantID: UUID, onHand count: Int, _ change: StockChange) async throws -> InventoryLevel {
        try await apply(.to(count), to: variantID, change).level
    }

    /// Applies a staff correction once per idempotency key: a retry with the key the actor used
    /// before gets the first call's ledger row back and moves nothing, even when two copies race
    /// (the unique index on actor and key lets one insert win).
    func apply(_ correction: StockCorrection, to variantID: UUID, _ change: StockChange) async throws
        -> StockCorrectionResult
    {
        switch correction {
        case .by(let delta): guard abs(delta) <= Self.maximumOnHand else { throw InventoryError.outOfRange(delta) }
        case .to(let count): guard 0...Self.maximumOnHand ~= count else { throw InventoryError.outOfRange(count) }
        }
        if let replay = try await replay(of: change, for: variantID) { return replay }
        do {
            return try await correct(variantID, change) { current in
                switch correction {
                case .by(let delta): current + delta
                case .to(let count): count
                }
            }
        } catch {
            guard change.idempotencyKey != nil, (error as? any DatabaseError)?.isConstraintFailure == true,
                let replay = try await replay(of: change, for: variantID)
            else { throw error }
            return replay
        }
    }

    /// The earlier correction this actor made with the same idempotency key, if any.
    private func replay(of change: StockChange, for variantID: UUID) async throws -> StockCorrectionResult? {
        guard let key = change.idempotencyKey else { return nil }
        guard
            let row = try await db.sql.raw(
                """
                SELECT id, variant_id, reason, note FROM inventory_movements
                WHERE actor = \(bind: change.actor) AND idempotency_key = \(bind: key)
                """
            ).first()
        else { return nil }
        // A key names one change: the same key for another variant, reason or note is a client bug,
        // not a retry, and answering the first result would hide it.
        guard try row.decode(column: "variant_id", as: UUID.self) == variantID,
            try row.decode(column: "reason", as: String.self) == change.reason.rawValue,
            try row.decode(column: "note", as: String?.self) == change.note
        else {
            throw InventoryError.idempotencyKeyReused
        }
        let id = try row.decode(column: "id", as: Int64.self)
        guard let movement = try await movements(of: variantID, before: id + 1, limit: 1).first else { return nil }
        return StockCorrectionResult(level: try await level(of: variantID), movement: movement, replayed: true)
    }

    /// Puts refunded goods back on the shelf, at most what the order took and hasn't had restocked
    /// yet per variant; a repeated call for the same goods is refused, not doubled. The rows are
    /// locked before the earlier restocks are counted, so two racing refunds can't both pass.
    @discardableResult
    func restock(_ lines: [StockLine], ordered: [StockLine], order orderID: UUID, actor: String) async throws
        -> Set<UUID>
    {
        let sorted = lines.sorted { $0.variantID.uuidString < $1.variantID.uuidString }
        return try await db.transaction { tx in
            let stock = InventoryService(db: tx)
            for line in sorted {
                try await tx.sql.raw(
                    "UPDATE inventory_levels SET updated_at = \(bind: Date()) WHERE variant_id = \(bind: line.variantID)"
                ).run()
            }
            try Self.checkRestock(sorted, ordered: ordered, already: try await stock.restocked(order: orderID))
            var products: Set<UUID> = []
            for line in sorted {
                let change = StockChange(.refundRestock, actor: actor, orderID: orderID)
                products.insert(try await stock.correct(line.variantID, change) { $0 + line.quantity }.level.productID)
            }
            return products
        }
    }

    /// Refuses a restock the order can't give (more than it took, less what was put back), before
    /// anything else about a refund happens; `restock` checks again under its locks.
    func checkRestock(_ lines: [StockLine], ordered: [StockLine], order orderID: UUID) async throws {
        try Self.checkRestock(lines, ordered: ordered, already: try await restocked(order: orderID))
    }

    private static func checkRestock(_ lines: [StockLine], ordered: [StockLine], already: [UUID: Int]) throws {
        let bought = Dictionary(ordered.map { ($0.variantID, $0.quantity) }, uniquingKeysWith: +)
        let asked = Dictionary(lines.map { ($0.variantID, $0.quantity) }, uniquingKeysWith: +)
        for (variantID, quantity) in asked.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            let left = (bought[variantID] ?? 0) - (already[variantID] ?? 0)
            guard quantity > 0, quantity <= left else {
                throw InventoryError.restockTooLarge(variant: variantID, left: max(left, 0))
            }
        }
    }

    /// Units of each variant already put back on the shelf for an order.
    func restocked(order orderID: UUID) async throws -> [UUID: Int] {
        let rows = try await db.sql.raw(
            """
            SELECT variant_id, CAST(SUM(delta_on_hand) AS BIGINT) AS units FROM inventory_movements
            WHERE order_id = \(bind: orderID) AND reason = \(bind: StockReason.refundRestock.rawValue)
            GROUP BY variant_id
            """
        ).all()
        var units: [UUID: Int] = [:]
        for row in rows {
            units[try row.decode(column: "variant_id", as: UUID.self)] = try row.decode(column: "units", as: Int.self)
        }
        return units
    }

    /// Sets or clears (nil) the free-stock figure at or below which a variant counts as low.
    @discardableResult
    func setLowStockThreshold(_ variantID: UUID, to threshold: Int?) async throws -> InventoryLevel {
        if let threshold, !(0...Self.maximumOnHand ~= threshold) { throw InventoryError.outOfRange(threshold) }
        let level = try await level(of: variantID)
        level.lowStockThreshold = threshold
        try await level.save(on: db)
        return level
    }

    /// Locks the variant's row (a write, so SQLite takes its lock first too), computes the new
    /// on-hand figure from the current one, checks it, and writes it with its ledger row, all in
    /// one transaction: two staff correcting the same variant queue instead of losing a change.
    private func correct(_ variantID: UUID, _ change: StockChange, to newOnHand: @escaping @Sendable (Int) -> Int)
        async throws -> StockCorrectionResult
    {
        try await db.transaction { tx in
            let now = Date()
            guard
                let row = try await tx.sql.raw(
                    """
                    UPDATE inventory_levels SET updated_at = \(bind: now) WHERE variant_id = \(bind: variantID)
                    RETURNING on_hand, reserved, product_id
                    """
                ).first()
            else { throw InventoryError.unknownVariant(variantID) }
            let current = try Self.movement(of: variantID, from: row, onHand: 0, reserved: 0)
            let wanted = newOnHand(current.onHandAfter)
            guard 0...Self.maximumOnHand ~= wanted else { throw InventoryError.outOfRange(wanted) }
            guard wanted >= current.reservedAfter else {
                throw InventoryError.belowReserved(onHand: wanted, reserved: current.reservedAfter)
            }
            try await tx.sql.raw(
                "UPDATE inventory_levels SET on_hand = \(bind: wanted) WHERE variant_id = \(bind: variantID)"
            ).run()
            var movement = current
            movement.deltaOnHand = wanted - current.onHandAfter
            movement.onHandAfter = wanted
            try await StockLedger.append([movement], change, on: tx, at: now)
            let stock = InventoryService(db: tx)
            guard let record = try await stock.movements(of: variantID, before: nil, limit: 1).first else {
                throw InventoryError.unknownVariant(variantID)
            }
            return StockCorrectionResult(level: try await stock.level(of: variantID), movement: record, replayed: false)
        }
    }
}
