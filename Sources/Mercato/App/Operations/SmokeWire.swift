import Foundation

/// The parts of Store API answers `mercato smoke` reads. Decoding only what a step checks keeps the
/// smoke test a client of the public contract rather than of today's DTOs.
enum SmokeWire {
    struct Readiness: Decodable {
        var status: String
    }

    struct Version: Decodable {
        var version: String
        var commit: String
    }

    struct Money: Decodable {
        var amount: Int64
        var currency: String
    }

    struct ProductPage: Decodable {
        struct Item: Decodable {
            var slug: String
            var title: String
        }
        var items: [Item]
    }

    struct ProductDetail: Decodable {
        var slug: String
        var title: String
    }

    struct Variant: Decodable {
        struct Stock: Decodable {
            var available: Int
        }
        var sku: String
        var stock: Stock?
        var inStock: Bool?

        /// The contract allows either a `stock` object or an `inStock` flag.
        var isAvailable: Bool { stock.map { $0.available > 0 } ?? inStock ?? false }
    }

    struct VariantList: Decodable {
        var variants: [Variant]
    }

    struct PaymentsConfig: Decodable {
        var provider: String
        var liveMode: Bool
    }

    struct Totals: Decodable {
        var subtotal: Money?
        var total: Money
    }

    struct Cart: Decodable {
        var id: UUID
        var token: String?
        var currency: String
        var items: [CartItem]
        var totals: Totals
    }

    struct CartItem: Decodable {
        var sku: String
        var quantity: Int
    }

    struct ShippingMethods: Decodable {
        struct Method: Decodable {
            var code: String
            var name: String
            var price: Money
        }
        var items: [Method]
    }

    struct Order: Decodable {
        var id: UUID
        var number: String
        var status: String
        var token: String?
        var totals: Totals
    }

    struct AddItem: Encodable {
        var sku: String
        var quantity: Int
    }

    struct Checkout: Encodable {
        struct Address: Encodable {
            var name: String
            var line1: String
            var city: String
            var postalCode: String
            var country: String
        }
        var cartId: UUID
        var email: String
        var shippingAddress: Address
        var shippingMethod: String
    }

    struct Payment: Encodable {
        var card: String
    }
}
