import Vapor

/// What a customer can get wrong with a cart; each maps to a clear 4xx and changes nothing.
enum CartError: AppError, Equatable {
    /// Unknown cart, or a token that doesn't open it: the same answer, so ids can't be probed.
    case notFound
    case invalidQuantity(Int)
    case unknownSKU(String)
    case notInCart(String)
    case insufficientStock(sku: String, available: Int)
    case currencyMismatch(sku: String, cartCurrency: String)
    case empty
    case closed

    static let maximumQuantity = 99

    var code: String {
        switch self {
        case .notFound: "cart_not_found"
        case .invalidQuantity: "invalid_quantity"
        case .unknownSKU: "unknown_sku"
        case .notInCart: "not_in_cart"
        case .insufficientStock: "insufficient_stock"
        case .currencyMismatch: "currency_mismatch"
        case .empty: "cart_empty"
        case .closed: "cart_closed"
        }
    }

    var status: HTTPResponseStatus {
        switch self {
        case .notFound, .notInCart: .notFound
        case .invalidQuantity: .badRequest
        case .unknownSKU, .currencyMismatch, .empty: .unprocessableEntity
        case .insufficientStock, .closed: .conflict
        }
    }

    var reason: String {
        switch self {
        case .notFound: "No cart with this id opens with the token given."
        case .invalidQuantity(let quantity):
            "quantity must be a whole number from 1 to \(Self.maximumQuantity); got \(quantity)"
        case .unknownSKU(let sku): "No product is for sale with SKU '\(sku)'."
        case .notInCart(let sku): "SKU '\(sku)' is not in the cart."
        case .insufficientStock(let sku, let available):
            available == 0 ? "SKU '\(sku)' is out of stock." : "Only \(available) of SKU '\(sku)' left in stock."
        case .currencyMismatch(let sku, let currency): "SKU '\(sku)' isn't sold in the cart's currency \(currency)."
        case .empty: "The cart is empty."
        case .closed: "This cart has already been checked out."
        }
    }
}
