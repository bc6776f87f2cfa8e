import Fluent
import Foundation

/// An order: what was bought at which prices, where it goes, and how far it has got.
final class Order: Model, @unchecked Sendable {
    static let schema = "orders"

    @ID(key: .id) var id: UUID?
    /// Human-readable (`M-7K3F-9QXD`): what customers quote on the phone.
    @Field(key: "number") var number: String
    /// Opens the order for a guest, who has no account.
    @Field(key: "token_hash") var tokenHash: String
    @OptionalField(key: "customer_id") var customerID: UUID?
    @Field(key: "email") var email: String
    @Field(key: "status") var status: OrderStatus
    @Field(key: "currency") var currency: String
    @Field(key: "subtotal") var subtotal: Int64
    @Field(key: "discount") var discount: Int64
    @Field(key: "shipping") var shipping: Int64
    @Field(key: "tax") var tax: Int64
    @Field(key: "total") var total: Int64
    @Field(key: "prices_include_tax") var pricesIncludeTax: Bool
    @OptionalField(key: "coupon_code") var couponCode: String?
    @Field(key: "shipping_method") var shippingMethod: String
    /// JSON of `PostalAddress`.
    @Field(key: "shipping_address") var shippingAddressJSON: String
    @Field(key: "payment_provider") var paymentProvider: String
    @OptionalField(key: "payment_id") var paymentID: String?
    @Field(key: "amount_refunded") var amountRefunded: Int64
    @Field(key: "reservation_expires_at") var reservationExpiresAt: Date
    @OptionalField(key: "paid_at") var paidAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    @Children(for: \.$order) var lines: [OrderLine]
    @Children(for: \.$order) var transitions: [OrderTransition]

    init() {}

    var shippingAddress: PostalAddress? {
        try? JSONDecoder().decode(PostalAddress.self, from: Data(shippingAddressJSON.utf8))
    }
}

/// One SKU of an order, its price frozen at checkout.
final class OrderLine: Model, @unchecked Sendable {
    static let schema = "order_lines"

    @ID(key: .id) var id: UUID?
    @Parent(key: "order_id") var order: Order
    @Field(key: "variant_id") var variantID: UUID
    @Field(key: "sku") var sku: String
    @Field(key: "name") var name: String
    @Field(key: "quantity") var quantity: Int
    @Field(key: "unit_price") var unitPrice: Int64
    @Field(key: "line_total") var lineTotal: Int64
    @Field(key: "position") var position: Int

    init() {}
}

/// A recorded status change: when, from what, to what, and who did it.
final class OrderTransition: Model, @unchecked Sendable {
    static let schema = "order_transitions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "order_id") var order: Order
    @OptionalField(key: "from_status") var fromStatus: OrderStatus?
    @Field(key: "to_status") var toStatus: OrderStatus
    /// `customer`, `webhook`, `system`, `admin`…
    @Field(key: "actor") var actor: String
    @OptionalField(key: "note") var note: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(orderID: UUID, from: OrderStatus?, to: OrderStatus, actor: String, note: String? = nil) {
        self.id = UUID()
        self.$order.id = orderID
        self.fromStatus = from
        self.toStatus = to
        self.actor = actor
        self.note = note
        self.createdAt = Date()
    }
}
