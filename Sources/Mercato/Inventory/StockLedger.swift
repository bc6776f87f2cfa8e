import Fluent
import Foundation
import SQLKit

/// Why stock moved. Staff pick one of `staffReasons`; the others are written by checkout, payment,
/// expiry, cancellation, refunds and catalogue imports.
enum StockReason: String, Codable, Sendable, CaseIterable {
    /// A delivery arrived.
    case received
    /// A stock count found a different figure.
    case countCorrection = "count_correction"
    /// Goods written off as broken.
    case damaged
    /// Goods that went missing.
    case lost
    /// Goods a customer sent back, booked by staff.
    case returned
    /// Anything else; the note says what.
    case other
    /// The stock row was opened (a new variant, an import, seeding, or the ledger's first entry).
    case opening
    /// Checkout held stock for a new order.
    case checkoutReserved = "checkout_reserved"
    /// A cancelled or expired order gave its held stock back.
    case reservationReleased = "reservation_released"
    /// A paid order took its held stock off the shelf.
    case sold
    /// A refund put the goods back on the shelf.
    case refundRestock = "refund_restock"

    /// The reasons a member of staff may give for an adjustment.
    static let staffReasons: [StockReason] = [.received, .countCorrection, .damaged, .lost, .returned, .other]
}

/// Who moved stock and why, carried into every ledger row a change writes.
struct StockChange: Sendable, Equatable {
    var reason: StockReason
    /// `staff:<email>`, `api-key:<name>`, `customer`, `system`, or a command's name.
    var actor: String
    var orderID: UUID?
    var note: String?
    /// A client's `Idempotency-Key` for a staff correction, unique per actor.
    var idempotencyKey: String?

    init(
        _ reason: StockReason, actor: String, orderID: UUID? = nil, note: String? = nil, idempotencyKey: String? = nil
    ) {
        self.reason = reason
        self.actor = actor
        self.orderID = orderID
        self.note = note
        self.idempotencyKey = idempotencyKey
    }
}

/// One ledger row: a change to a variant's on-hand or reserved stock and the levels it left.
struct StockMovement: Sendable, Equatable {
    var variantID: UUID
    var productID: UUID
    var deltaOnHand: Int
    var deltaReserved: Int
    var onHandAfter: Int
    var reservedAfter: Int
}

/// Appends to `inventory_movements`. Only `InventoryService` calls it, inside the transaction
/// that changed the levels, so a level never moves without its row and a row never outlives a
/// rolled-back change.
enum StockLedger {
    static let table = "inventory_movements"

    static func append(_ movements: [StockMovement], _ change: StockChange, on db: any Database, at now: Date)
        async throws
    {
        let note = change.note.map { String($0.prefix(500)) }
        for chunk in movements.filter({ $0.deltaOnHand != 0 || $0.deltaReserved != 0 }).chunked(into: 400) {
            try await db.sql.insert(into: table)
                .columns(
                    "variant_id", "product_id", "delta_on_hand", "delta_reserved", "on_hand_after", "reserved_after",
                    "reason", "actor", "order_id", "note", "idempotency_key", "created_at"
                )
                .rows(
                    chunk.map { movement in
                        [
                            SQLBind(movement.variantID), SQLBind(movement.productID), SQLBind(movement.deltaOnHand),
                            SQLBind(movement.deltaReserved), SQLBind(movement.onHandAfter),
                            SQLBind(movement.reservedAfter), SQLBind(change.reason.rawValue),
                            SQLBind(String(change.actor.prefix(200))), SQLBind(change.orderID), SQLBind(note),
                            SQLBind(change.idempotencyKey), SQLBind(now),
                        ]
                    }
                ).run()
        }
    }
}
