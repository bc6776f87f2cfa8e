import Fluent
import FluentSQL
import Foundation
import SQLKit
import Vapor

/// A ledger row as staff read it, and as the Admin API shows it.
struct StockMovementRecord: Sendable, Equatable, Content {
    var id: Int64
    var variantID: UUID
    var deltaOnHand: Int
    var deltaReserved: Int
    var onHandAfter: Int
    var reservedAfter: Int
    var reason: StockReason
    var actor: String
    var orderID: UUID?
    var note: String?
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, deltaOnHand, deltaReserved, onHandAfter, reservedAfter, reason, actor, note, createdAt
        case variantID = "variantId"
        case orderID = "orderId"
    }
}

/// A variant whose ledger and stock row disagree, as `mercato inventory verify` reports it.
struct LedgerDiscrepancy: Sendable, Equatable, CustomStringConvertible {
    var variantID: UUID
    /// What the levels say and what replaying the ledger gives.
    var onHand: Int
    var reserved: Int
    var ledgerOnHand: Int
    var ledgerReserved: Int
    /// The first ledger row whose recorded result doesn't follow from the row before, if any.
    var brokenAtMovement: Int64?

    var description: String {
        var text = "variant \(variantID): levels on hand \(onHand), reserved \(reserved); "
        text += "ledger on hand \(ledgerOnHand), reserved \(ledgerReserved)"
        if let brokenAtMovement { text += "; the chain breaks at movement \(brokenAtMovement)" }
        return text
    }
}

extension InventoryService {
    /// The largest page of ledger rows or low-stock variants one request returns.
    static let maximumPage = 200

    /// A variant's ledger, newest first, `limit` rows older than movement `before`.
    func movements(of variantID: UUID, before: Int64?, limit: Int) async throws -> [StockMovementRecord] {
        _ = try await level(of: variantID)
        let older: SQLQueryString = before.map { "AND id < \(bind: $0)" } ?? ""
        return try await db.sql.raw(
            """
            SELECT id, variant_id, delta_on_hand, delta_reserved, on_hand_after, reserved_after, reason, actor,
              order_id, note, created_at
            FROM inventory_movements WHERE variant_id = \(bind: variantID) \(older)
            ORDER BY id DESC LIMIT \(bind: min(max(limit, 1), Self.maximumPage))
            """
        ).all().map { row in
            StockMovementRecord(
                id: try row.decode(column: "id", as: Int64.self),
                variantID: try row.decode(column: "variant_id", as: UUID.self),
                deltaOnHand: try row.decode(column: "delta_on_hand", as: Int.self),
                deltaReserved: try row.decode(column: "delta_reserved", as: Int.self),
                onHandAfter: try row.decode(column: "on_hand_after", as: Int.self),
                reservedAfter: try row.decode(column: "reserved_after", as: Int.self),
                reason: try row.decodeStored(column: "reason", as: StockReason.self),
                actor: try row.decode(column: "actor", as: String.self),
                orderID: try row.decode(column: "order_id", as: UUID?.self),
                note: try row.decode(column: "note", as: String?.self),
                createdAt: try row.decode(column: "created_at", as: Date.self))
        }
    }

    /// Variants whose free stock is at or below their threshold, the emptiest first, then by id;
    /// `after` continues a page from the last (available, variant) pair seen.
    func lowStock(after: (available: Int, variantID: UUID)?, limit: Int) async throws -> [InventoryLevel] {
        var query = InventoryLevel.query(on: db).filter(\.$lowStockThreshold != nil)
            .filter(.sql(unsafeRaw: "on_hand - reserved <= low_stock_threshold"))
        if let after {
            query = query.filter(
                .sql(
                    "(on_hand - reserved > \(bind: after.available) OR (on_hand - reserved = \(bind: after.available) AND variant_id > \(bind: after.variantID)))"
                        as SQLQueryString))
        }
        return try await query.sort(.sql(unsafeRaw: "on_hand - reserved")).sort(\.$id)
            .limit(min(max(limit, 1), Self.maximumPage)).all()
    }

    /// Replays the ledger against the stock rows: every variant whose sums of deltas differ from
    /// its levels, or whose rows don't chain (each row's result is the previous result plus its
    /// delta). An empty answer means every level is explained by its history.
    func verifyLedger() async throws -> [LedgerDiscrepancy] {
        try await db.sql.raw(
            """
            SELECT l.variant_id, l.on_hand, l.reserved, COALESCE(m.on_hand, 0) AS ledger_on_hand,
              COALESCE(m.reserved, 0) AS ledger_reserved, b.id AS broken_at
            FROM inventory_levels l
            LEFT JOIN (
              SELECT variant_id, CAST(SUM(delta_on_hand) AS BIGINT) AS on_hand, CAST(SUM(delta_reserved) AS BIGINT) AS reserved
              FROM inventory_movements GROUP BY variant_id
            ) m ON m.variant_id = l.variant_id
            LEFT JOIN (
              SELECT variant_id, MIN(id) AS id FROM (
                SELECT variant_id, id, on_hand_after, reserved_after, delta_on_hand, delta_reserved,
                  LAG(on_hand_after, 1, 0) OVER (PARTITION BY variant_id ORDER BY id) AS previous_on_hand,
                  LAG(reserved_after, 1, 0) OVER (PARTITION BY variant_id ORDER BY id) AS previous_reserved
                FROM inventory_movements
              ) chain
              WHERE previous_on_hand + delta_on_hand <> on_hand_after
                OR previous_reserved + delta_reserved <> reserved_after
              GROUP BY variant_id
            ) b ON b.variant_id = l.variant_id
            WHERE COALESCE(m.on_hand, 0) <> l.on_hand OR COALESCE(m.reserved, 0) <> l.reserved OR b.id IS NOT NULL
            ORDER BY l.variant_id
            """
        ).all().map { row in
            LedgerDiscrepancy(
                variantID: try row.decode(column: "variant_id", as: UUID.self),
                onHand: try row.decode(column: "on_hand", as: Int.self),
                reserved: try row.decode(column: "reserved", as: Int.self),
                ledgerOnHand: try row.decode(column: "ledger_on_hand", as: Int.self),
                ledgerReserved: try row.decode(column: "ledger_reserved", as: Int.self),
                brokenAtMovement: try row.decode(column: "broken_at", as: Int64?.self))
        }
    }
}
