import Fluent
import FluentSQL
import Foundation
import SQLKit
import Vapor

/// A product as staff manage it: drafts and archived ones too, every variant (switched off or not)
/// with its stock, the images and the old slugs that redirect to it. `version` is its ETag.
struct AdminProductDTO: Content, Equatable {
    struct Variant: Content, Equatable {
        var id: UUID
        var sku: String
        var title: String
        /// Minor units.
        var price: Int64
        var compareAtPrice: Int64?
        var weightGrams: Int
        var active: Bool
        var position: Int
        var options: [String: String]
        /// On hand minus reserved.
        var available: Int
    }

    struct Image: Content, Equatable {
        var id: UUID
        var url: String
        var alt: String
        var position: Int
    }

    var id: UUID
    var title: String
    var slug: String
    var description: String
    var brand: String
    var attributes: [String: String]
    var categoryId: UUID?
    var featured: Bool
    var status: Product.Status
    var seoTitle: String
    var seoDescription: String
    var currency: String
    var priceMin: Int64
    var priceMax: Int64
    var version: Int64
    var createdAt: Date
    var updatedAt: Date
    var variants: [Variant]
    var images: [Image]
    /// Slugs the product had before, answered with a 301 to the current one.
    var redirects: [String]
}

/// One row of the admin products list.
struct AdminProductSummaryDTO: Content, Equatable {
    var id: UUID
    var title: String
    var slug: String
    var status: Product.Status
    var brand: String
    var priceMin: Int64
    var priceMax: Int64
    var currency: String
    var version: Int64
    var updatedAt: Date
}

/// A page of the admin products list and the cursor for the next one, absent on the last page.
struct AdminProductPage: Content {
    var items: [AdminProductSummaryDTO]
    var next: String?
}

/// Catalogue writes staff got wrong or raced.
enum ProductAdminError: AppError, Equatable {
    case productNotFound
    case variantNotFound
    case imageNotFound
    /// The product changed since the ETag the write was based on.
    case versionMismatch(current: Int64)
    /// A write without `If-Match`.
    case versionRequired
    case duplicateSlug(String)
    case duplicateSKU(String)
    /// Ordered products stay, for the orders' sake: archive them instead.
    case productOrdered
    /// An active product needs something to sell.
    case noActiveVariant
    /// New variants must name the options the product's variants have.
    case optionsMismatch(expected: [String])
    case duplicateVariant(String)
    case tooManyVariants
    case idempotencyKeyReused

    var code: String {
        switch self {
        case .productNotFound, .variantNotFound, .imageNotFound: "not_found"
        case .versionMismatch: "version_mismatch"
        case .versionRequired: "precondition_required"
        case .duplicateSlug: "duplicate_slug"
        case .duplicateSKU: "duplicate_sku"
        case .productOrdered: "product_ordered"
        case .noActiveVariant: "no_active_variant"
        case .optionsMismatch: "options_mismatch"
        case .duplicateVariant: "duplicate_variant"
        case .tooManyVariants: "too_many_variants"
        case .idempotencyKeyReused: "idempotency_key_reused"
        }
    }

    var status: HTTPResponseStatus {
        switch self {
        case .productNotFound, .variantNotFound, .imageNotFound: .notFound
        case .versionMismatch: .preconditionFailed
        case .versionRequired: .preconditionRequired
        case .duplicateSlug, .duplicateSKU, .productOrdered, .noActiveVariant: .conflict
        case .optionsMismatch, .duplicateVariant, .tooManyVariants, .idempotencyKeyReused: .unprocessableEntity
        }
    }

    var reason: String {
        switch self {
        case .productNotFound: "no such product"
        case .variantNotFound: "the product has no such variant"
        case .imageNotFound: "the product has no such image"
        case .versionMismatch(let current):
            "the product changed since you read it (now version \(current)); read it again and reapply your change"
        case .versionRequired: "send If-Match with the product's ETag from your last read"
        case .duplicateSlug(let slug): "another product already has the slug '\(slug)'"
        case .duplicateSKU(let sku): "another variant already has the SKU '\(sku)'"
        case .productOrdered: "the product has been ordered, so it can't be deleted; archive it instead"
        case .noActiveVariant: "an active product needs at least one active variant"
        case .optionsMismatch(let expected):
            expected.isEmpty
                ? "the product's variants have no options"
                : "variants of this product must name exactly the options \(expected.joined(separator: ", "))"
        case .duplicateVariant(let combination): "the product already has a variant \(combination)"
        case .tooManyVariants: "a product may have at most \(ProductRules.maximumVariants) variants"
        case .idempotencyKeyReused: "this Idempotency-Key was used to create a different product"
        }
    }
}

/// Reads products as staff see them.
struct ProductAdminReader {
    let db: any Database
    let storage: any ObjectStorage

    /// The product with everything staff edit; 404 for an unknown id.
    func product(_ id: UUID) async throws -> AdminProductDTO {
        guard let product = try await Product.find(id, on: db) else { throw ProductAdminError.productNotFound }
        let sql = try db.sql
        let variantRows = try await sql.raw(
            """
            SELECT v.id, v.sku, v.title, v.price_amount, v.compare_at_amount, v.weight_grams, v.active, v.position,
                \(InventoryReadModel.freeStock(variant: "v.id")) AS available
            FROM variants v WHERE v.product_id = \(bind: id) ORDER BY v.position, v.sku
            """
        ).all()
        let options = try await VariantOptions.values(ofProduct: id, on: db)
        let variants = try variantRows.map { row in
            let variantID = try row.decode(column: "id", as: UUID.self)
            return AdminProductDTO.Variant(
                id: variantID, sku: try row.decode(column: "sku", as: String.self),
                title: try row.decode(column: "title", as: String.self),
                price: try row.decode(column: "price_amount", as: Int64.self),
                compareAtPrice: try row.decode(column: "compare_at_amount", as: Int64?.self),
                weightGrams: try row.decode(column: "weight_grams", as: Int.self),
                active: try row.decode(column: "active", as: Bool.self),
                position: try row.decode(column: "position", as: Int.self), options: options[variantID] ?? [:],
                available: max(0, try row.decode(column: "available", as: Int?.self) ?? 0))
        }
        let images = try await ProductImage.query(on: db).filter(\.$product.$id == id).sort(\.$position).all()
            .map {
                AdminProductDTO.Image(
                    id: try $0.requireID(), url: storage.publicURL(for: $0.storageKey), alt: $0.alt,
                    position: $0.position)
            }
        let redirects = try await sql.raw(
            "SELECT slug FROM product_slug_redirects WHERE product_id = \(bind: id) ORDER BY created_at DESC, slug"
        ).all().map { try $0.decode(column: "slug", as: String.self) }
        return AdminProductDTO(
            id: id, title: product.title, slug: product.slug, description: product.description, brand: product.brand,
            attributes: product.attributes, categoryId: product.$category.id, featured: product.featured,
            status: product.status, seoTitle: product.seoTitle, seoDescription: product.seoDescription,
            currency: product.currency, priceMin: product.priceMin, priceMax: product.priceMax,
            version: product.version, createdAt: product.createdAt, updatedAt: product.updatedAt, variants: variants,
            images: images, redirects: redirects)
    }

    /// Products newest first, optionally in one status and with `q` in the title, slug or brand,
    /// paging on `(created_at, id)`.
    func list(_ list: AdminListQuery, status: Product.Status?) async throws -> [AdminProductSummaryDTO] {
        var query = Product.query(on: db).sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(list.limit)
        if let status { query = query.filter(\.$status == status) }
        if let pattern = list.containsPattern {
            query = query.filter(
                .sql(
                    embed: """
                        (LOWER(title) LIKE \(bind: pattern) ESCAPE '!' OR slug LIKE \(bind: pattern) ESCAPE '!' \
                        OR LOWER(brand) LIKE \(bind: pattern) ESCAPE '!')
                        """))
        }
        if let after = list.after {
            query = query.filter(
                .sql(
                    embed: "(created_at, id) < (SELECT p.created_at, p.id FROM products p WHERE p.id = \(bind: after))")
            )
        }
        return try await query.all().map { product in
            AdminProductSummaryDTO(
                id: try product.requireID(), title: product.title, slug: product.slug, status: product.status,
                brand: product.brand, priceMin: product.priceMin, priceMax: product.priceMax,
                currency: product.currency, version: product.version, updatedAt: product.updatedAt)
        }
    }
}
