import Fluent
import Foundation

/// A new product's own fields, validated: what `CatalogWriter.create` writes.
struct ProductFields: Sendable, Equatable {
    var title: String
    var slug: String
    var description: String
    var brand: String
    var attributesJSON: String
    var categoryID: UUID?
    var featured: Bool
    var seoTitle: String
    var seoDescription: String
    var currency: String
    var status: Product.Status

    /// - Throws: a 400 naming the first field at fault.
    init(_ body: ProductCreateBody) throws {
        title = try ProductRules.required(body.title, "title", maximum: ProductRules.maximumTitle)
        if let slug = body.slug {
            self.slug = try ProductRules.slug(slug)
        } else if let derived = ProductRules.slug(fromTitle: title) {
            slug = derived
        } else {
            throw InvalidField(name: "slug", problem: "is needed when the title has no Latin letters or digits")
        }
        description = try ProductRules.optional(
            body.description, "description", maximum: ProductRules.maximumDescription)
        brand = try ProductRules.optional(body.brand, "brand", maximum: ProductRules.maximumBrand)
        attributesJSON = try ProductRules.attributesJSON(body.attributes)
        categoryID = body.categoryId
        featured = body.featured ?? false
        seoTitle = try ProductRules.optional(body.seoTitle, "seoTitle", maximum: ProductRules.maximumSEOTitle)
        seoDescription = try ProductRules.optional(
            body.seoDescription, "seoDescription", maximum: ProductRules.maximumSEODescription)
        currency = body.currency ?? "EUR"
        guard ProductRules.currencies.contains(currency) else {
            throw InvalidField(
                name: "currency", problem: "must be one of \(ProductRules.currencies.sorted().joined(separator: ", "))")
        }
        switch body.status ?? "draft" {
        case "draft": status = .draft
        case "active": status = .active
        default: throw InvalidField(name: "status", problem: "must be draft or active")
        }
    }

    /// The product row, priced from its active variants (all of them when none is active).
    func newProduct(id: UUID, creationKey: String?, specs: [VariantSpec]) -> Product {
        let priced = specs.contains(where: \.active) ? specs.filter(\.active) : specs
        let product = Product()
        let now = Date()
        product.id = id
        product.title = title
        product.slug = slug
        product.description = description
        product.status = status
        product.brand = brand
        product.attributesJSON = attributesJSON
        product.$category.id = categoryID
        product.featured = featured
        product.currency = currency
        product.priceMin = priced.map(\.price).min() ?? 0
        product.priceMax = priced.map(\.price).max() ?? 0
        product.seoTitle = seoTitle
        product.seoDescription = seoDescription
        product.version = 1
        product.creationKey = creationKey
        product.createdAt = now
        product.updatedAt = now
        return product
    }
}

/// The changes a product edit asks for, validated; nil fields stay as they are.
struct ProductChanges: Sendable, Equatable {
    var title: String?
    var slug: String?
    var description: String?
    var brand: String?
    var attributesJSON: String?
    /// nil: unchanged; `.some(nil)`: no category.
    var categoryID: UUID??
    var featured: Bool?
    var seoTitle: String?
    var seoDescription: String?

    /// - Throws: a 400 naming the first field at fault.
    init(_ patch: ProductPatchBody) throws {
        title = try patch.title.map { try ProductRules.required($0, "title", maximum: ProductRules.maximumTitle) }
        slug = try patch.slug.map { try ProductRules.slug($0) }
        description = try patch.description.map {
            try ProductRules.optional($0, "description", maximum: ProductRules.maximumDescription)
        }
        brand = try patch.brand.map { try ProductRules.optional($0, "brand", maximum: ProductRules.maximumBrand) }
        attributesJSON = try patch.attributes.map { try ProductRules.attributesJSON($0) }
        categoryID = patch.categoryId
        featured = patch.featured
        seoTitle = try patch.seoTitle.map {
            try ProductRules.optional($0, "seoTitle", maximum: ProductRules.maximumSEOTitle)
        }
        seoDescription = try patch.seoDescription.map {
            try ProductRules.optional($0, "seoDescription", maximum: ProductRules.maximumSEODescription)
        }
    }

    func apply(to product: Product) {
        if let title { product.title = title }
        if let slug { product.slug = slug }
        if let description { product.description = description }
        if let brand { product.brand = brand }
        if let attributesJSON { product.attributesJSON = attributesJSON }
        if let categoryID { product.$category.id = categoryID }
        if let featured { product.featured = featured }
        if let seoTitle { product.seoTitle = seoTitle }
        if let seoDescription { product.seoDescription = seoDescription }
    }
}
