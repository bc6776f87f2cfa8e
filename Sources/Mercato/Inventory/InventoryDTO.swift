import Fluent
import Foundation
import Vapor

/// A variant's stock as the Admin API shows it, labelled with its SKU and product.
struct InventoryLevelDTO: Content, Equatable {
    var variantId: UUID
    var productId: UUID
    var sku: String
    var variantTitle: String
    var productTitle: String
    var onHand: Int
    var reserved: Int
    var available: Int
    var lowStockThreshold: Int?
    var lowStock: Bool
    var updatedAt: Date

    init(_ level: InventoryLevel, label: VariantLabel?) throws {
        variantId = try level.requireID()
        productId = level.productID
        sku = label?.sku ?? ""
        variantTitle = label?.title ?? ""
        productTitle = label?.productTitle ?? ""
        onHand = level.onHand
        reserved = level.reserved
        available = level.available
        lowStockThreshold = level.lowStockThreshold
        lowStock = level.isLow
        updatedAt = level.updatedAt
    }
}

/// A page of items and the cursor for the next one, absent on the last page.
struct InventoryPage<Item: Content>: Content {
    var items: [Item]
    var next: String?
}

/// `POST /api/v1/admin/inventory/{variantId}/adjustments`: exactly one of `delta` (a delivery, a
/// write-off) or `onHand` (a counted figure), and why.
struct StockAdjustmentBody: Content {
    var delta: Int?
    var onHand: Int?
    var reason: String
    var note: String?

    /// The most characters a note keeps.
    static let maximumNote = 500

    /// The change asked for, or a 400 naming the field at fault.
    func validated(actor: String, idempotencyKey: String?) throws -> (StockCorrection, StockChange) {
        guard let reason = StockReason(rawValue: reason), StockReason.staffReasons.contains(reason) else {
            let allowed = StockReason.staffReasons.map(\.rawValue).joined(separator: ", ")
            throw InvalidField(name: "reason", problem: "must be one of \(allowed)")
        }
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let note, note.unicodeScalars.count > Self.maximumNote {
            throw InvalidField(name: "note", problem: "must be at most \(Self.maximumNote) characters")
        }
        if reason == .other, note?.isEmpty ?? true {
            throw InvalidField(name: "note", problem: "must say what happened when the reason is other")
        }
        let change = StockChange(
            reason, actor: actor, note: note?.isEmpty == false ? note : nil, idempotencyKey: idempotencyKey)
        switch (delta, onHand) {
        case (let delta?, nil):
            guard delta != 0, abs(delta) <= InventoryService.maximumOnHand else {
                throw InvalidField(
                    name: "delta", problem: "must be a non-zero whole number within ±\(InventoryService.maximumOnHand)")
            }
            return (.by(delta), change)
        case (nil, let count?):
            guard 0...InventoryService.maximumOnHand ~= count else {
                throw InvalidField(name: "onHand", problem: "must be from 0 to \(InventoryService.maximumOnHand)")
            }
            return (.to(count), change)
        default:
            throw InvalidField(name: "delta", problem: "or onHand must be given, not both")
        }
    }
}

/// `PUT /api/v1/admin/inventory/{variantId}/low-stock-threshold`; null clears it.
struct LowStockThresholdBody: Content {
    var threshold: Int?
}
