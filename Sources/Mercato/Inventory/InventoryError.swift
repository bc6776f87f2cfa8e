import Vapor

/// Stock changes a caller asked for that the stock can't take.
enum InventoryError: AppError, Equatable {
    /// No stock row for the variant.
    case unknownVariant(UUID)
    /// On-hand stock would drop below what open orders hold, or below zero.
    case belowReserved(onHand: Int, reserved: Int)
    /// A stock figure outside 0–`InventoryService.maximumOnHand`.
    case outOfRange(Int)
    /// A restock of more units than the order took and hasn't had put back yet.
    case restockTooLarge(variant: UUID, left: Int)
    /// An idempotency key this actor already used for a different variant.
    case idempotencyKeyReused

    var code: String {
        switch self {
        case .unknownVariant: "unknown_variant"
        case .belowReserved: "stock_below_reserved"
        case .outOfRange: "stock_out_of_range"
        case .restockTooLarge: "restock_too_large"
        case .idempotencyKeyReused: "idempotency_key_reused"
        }
    }

    var status: HTTPResponseStatus {
        switch self {
        case .unknownVariant: .notFound
        case .belowReserved: .conflict
        case .outOfRange: .badRequest
        case .restockTooLarge: .conflict
        case .idempotencyKeyReused: .unprocessableEntity
        }
    }

    var reason: String {
        switch self {
        case .unknownVariant(let id): "No stock is kept for variant \(id)."
        case .belowReserved(let onHand, let reserved):
            "On-hand stock \(onHand) would be less than the \(reserved) held by open orders."
        case .outOfRange(let value): "Stock \(value) is out of range (0–\(InventoryService.maximumOnHand))."
        case .restockTooLarge(let variant, let left):
            "At most \(left) unit(s) of variant \(variant) from this order can still be restocked."
        case .idempotencyKeyReused: "This Idempotency-Key was already used for a different stock change."
        }
    }
}
