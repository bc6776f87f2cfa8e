import Vapor

/// Errors checkout and order handling can end in that the caller can act on.
enum OrderError: AppError, Equatable {
    case notFound
    case outOfStock(sku: String)
    case unknownShippingMethod(String)
    case shippingUnavailable(method: String, country: String)
    case illegalTransition(from: OrderStatus, to: OrderStatus)
    case notPayable(OrderStatus)
    case reservationExpired
    case refundTooLarge(refundable: Money)
    case invalidRefundAmount
    /// An amount in the order would pass what the shop can take (`OrderPricing.maximumTotal`).
    case amountTooLarge

    var code: String {
        switch self {
        case .notFound: "order_not_found"
        case .outOfStock: "out_of_stock"
        case .unknownShippingMethod: "unknown_shipping_method"
        case .shippingUnavailable: "shipping_unavailable"
        case .illegalTransition: "illegal_transition"
        case .notPayable: "order_not_payable"
        case .reservationExpired: "reservation_expired"
        case .refundTooLarge: "refund_too_large"
        case .invalidRefundAmount: "invalid_refund_amount"
        case .amountTooLarge: "amount_too_large"
        }
    }

    var status: HTTPResponseStatus {
        switch self {
        case .notFound: .notFound
        case .outOfStock, .illegalTransition, .notPayable, .reservationExpired: .conflict
        case .unknownShippingMethod, .shippingUnavailable, .refundTooLarge, .amountTooLarge: .unprocessableEntity
        case .invalidRefundAmount: .badRequest
        }
    }

    var reason: String {
        switch self {
        case .notFound: "No order with this id opens with the token given."
        case .outOfStock(let sku): "Out of stock: SKU '\(sku)' doesn't have enough left for this order."
        case .unknownShippingMethod(let code): "There is no shipping method '\(code)'."
        case .shippingUnavailable(let method, let country):
            "Shipping method '\(method)' doesn't deliver this order to \(country)."
        case .illegalTransition(let from, let to):
            "An order can't go from \(from.rawValue) to \(to.rawValue)."
        case .notPayable(let status): "This order is \(status.rawValue) and can't be paid."
        case .reservationExpired: "The reservation for this order has expired; please check out again."
        case .amountTooLarge: "This order would come to more than the shop can take; please remove some items."
        case .refundTooLarge(let refundable): "At most \(refundable.formatted) can still be refunded."
        case .invalidRefundAmount: "amount must be a positive whole number of minor units"
        }
    }
}
