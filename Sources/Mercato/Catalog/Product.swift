import Fluent
import Foundation

/// A product as the shop sells it; prices and stock live on its variants.
final class Product: Model, @unchecked Sendable {
    static let schema = "products"

    enum Status: String, Codable, CaseIterable, Sendable {
        case draft, active, archived
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "slug") var slug: String
    @Field(key: "description") var description: String
    @Field(key: "status") var status: Status
    @Field(key: "brand") var brand: String
    /// Free-form attributes (material, fit…) as a JSON object of strings.
    @Field(key: "attributes") var attributesJSON: String
    @OptionalParent(key: "category_id") var category: Category?
    @Field(key: "featured") var featured: Bool
    @Field(key: "currency") var currency: String
    /// The cheapest and dearest active variant, kept in step by `CatalogWriter`.
    @Field(key: "price_min") var priceMin: Int64
    @Field(key: "price_max") var priceMax: Int64
    @Field(key: "seo_title") var seoTitle: String
    @Field(key: "seo_description") var seoDescription: String
    /// Moves with every write to the product or its variants: the Admin API's ETag.
    @Field(key: "version") var version: Int64
    /// The `Idempotency-Key` the product was created under, so a retried create finds it.
    @OptionalField(key: "creation_key") var creationKey: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    @Children(for: \.$product) var variants: [Variant]
    @Children(for: \.$product) var images: [ProductImage]

    init() {}

    var attributes: [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(attributesJSON.utf8))) ?? [:]
    }
}

/// One purchasable SKU of a product.
final class Variant: Model, @unchecked Sendable {
    static let schema = "variants"

    @ID(key: .id) var id: UUID?
    @Parent(key: "product_id") var product: Product
    @Field(key: "sku") var sku: String
    @Field(key: "title") var title: String
    @Field(key: "price_amount") var priceAmount: Int64
    @Field(key: "currency") var currency: String
    @OptionalField(key: "compare_at_amount") var compareAtAmount: Int64?
    @Field(key: "weight_grams") var weightGrams: Int
    @Field(key: "position") var position: Int
    /// Switched off by staff: not shown, not sold, its stock not counted as the product's.
    @Field(key: "active") var active: Bool

    init() {}
}

/// An image of a product; the bytes are in object storage under `storageKey`.
final class ProductImage: Model, @unchecked Sendable {
    static let schema = "product_images"

    @ID(key: .id) var id: UUID?
    @Parent(key: "product_id") var product: Product
    @Field(key: "storage_key") var storageKey: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "alt") var alt: String
    @Field(key: "position") var position: Int
    @Field(key: "byte_size") var byteSize: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(productID: UUID, storageKey: String, contentType: String, alt: String, position: Int, byteSize: Int) {
        self.$product.id = productID
        self.storageKey = storageKey
        self.contentType = contentType
        self.alt = alt
        self.position = position
        self.byteSize = byteSize
        self.createdAt = Date()
    }
}
