import Fluent
import Foundation

/// Stock of one variant: what is on the shelf and how much of it open orders hold.
/// Only `InventoryService` changes these rows.
final class InventoryLevel: Model, @unchecked Sendable {
    static let schema = "inventory_levels"

    @ID(custom: "variant_id", generatedBy: .user) var id: UUID?
    @Field(key: "product_id") var productID: UUID
    @Field(key: "on_hand") var onHand: Int
    @Field(key: "reserved") var reserved: Int
    @Field(key: "updated_at") var updatedAt: Date
    /// Free stock at or below this counts as low; nil when nobody set one.
    @OptionalField(key: "low_stock_threshold") var lowStockThreshold: Int?

    init() {}

    init(variantID: UUID, productID: UUID, onHand: Int, reserved: Int = 0, updatedAt: Date = Date()) {
        self.id = variantID
        self.productID = productID
        self.onHand = onHand
        self.reserved = reserved
        self.updatedAt = updatedAt
    }

    /// What can still be sold.
    var available: Int { onHand - reserved }

    /// Whether free stock has fallen to the threshold.
    var isLow: Bool { lowStockThreshold.map { available <= $0 } ?? false }
}
