import Fluent
import Foundation

/// A shopping cart: a guest's (reached with its token) or a customer's.
final class Cart: Model, @unchecked Sendable {
    static let schema = "carts"

    enum Status: String, Codable, Sendable {
        case active
        /// Checked out: the order took its contents.
        case converted
        /// Folded into the customer's cart at sign-in.
        case merged
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @OptionalField(key: "customer_id") var customerID: UUID?
    @Field(key: "status") var status: Status
    @Field(key: "currency") var currency: String
    @OptionalField(key: "coupon_code") var couponCode: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// One SKU in a cart. Only the quantity is stored; prices are always read from the catalogue.
final class CartItem: Model, @unchecked Sendable {
    static let schema = "cart_items"

    final class IDValue: Fields, Hashable, @unchecked Sendable {
        @Field(key: "cart_id") var cartID: UUID
        @Field(key: "variant_id") var variantID: UUID

        init() {}

        init(cartID: UUID, variantID: UUID) {
            self.cartID = cartID
            self.variantID = variantID
        }

        static func == (lhs: IDValue, rhs: IDValue) -> Bool {
            lhs.cartID == rhs.cartID && lhs.variantID == rhs.variantID
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(cartID)
            hasher.combine(variantID)
        }
    }

    @CompositeID var id: IDValue?
    @Field(key: "quantity") var quantity: Int
    @Field(key: "added_at") var addedAt: Date

    init() {}

    init(cartID: UUID, variantID: UUID, quantity: Int) {
        self.id = IDValue(cartID: cartID, variantID: variantID)
        self.quantity = quantity
        self.addedAt = Date()
    }
}
