import Vapor

/// `GET /p/:slug`: one product with its images, price and variants. Choosing a variant is a plain
/// GET form (`?variant=SKU`), so price and stock for the choice show without JavaScript.
enum ProductPage {
    struct Context: Encodable {
        var title: String
        var brand: String
        var description: String
        var breadcrumbs: [Breadcrumb]
        var images: [CatalogDTO.Image]
        var attributes: [Attribute]
        var formAction: String
        var selected: VariantChoice
        var variants: [VariantChoice]
        /// The add-to-cart form: the same for every visitor (no CSRF token; see `FormProtection`),
        /// so the page stays publicly cacheable.
        var addToCartAction: String
        var canBuy: Bool
        var maximumQuantity: Int
    }

    struct Attribute: Encodable {
        var name: String
        var value: String
    }

    /// A variant as the picker lists it.
    struct VariantChoice: Encodable {
        var sku: String
        var title: String
        var price: String
        var compareAtPrice: String?
        /// `In stock`, `Only 3 left`, `Out of stock`.
        var stockLabel: String
        /// `in-stock`, `low-stock`, `out-of-stock`: the CSS class for the label.
        var stockClass: String
        var isAvailable: Bool
        var isSelected: Bool
    }

    static func show(req: Request) async throws -> Response {
        let slug = try req.parameters.require("slug")
        let requestedSKU = req.requestedVariantSKU
        let product: CatalogDTO.ProductDetail
        let query = req.url.query.map { "?" + $0 } ?? ""
        do {
            product = try await req.storeAPI.product(slug: slug)
        } catch CatalogError.productMoved(let current) {
            return req.redirect(to: SiteURL.product(slug: current).path + query, redirectType: .permanent)
        }
        // Over HTTP the client followed the API's 301 and got the product under its current slug.
        guard product.slug == slug else {
            return req.redirect(to: SiteURL.product(slug: product.slug).path + query, redirectType: .permanent)
        }
        guard !product.variants.isEmpty else {
            throw Abort(.notFound, reason: "'\(product.title)' is not available to buy")
        }
        let selectedSKU: String
        if let requestedSKU {
            guard product.variants.contains(where: { $0.sku == requestedSKU }) else {
                throw InvalidParameter(name: "variant", problem: "'\(product.title)' has no variant '\(requestedSKU)'")
            }
            selectedSKU = requestedSKU
        } else {
            // Default to something the shopper can buy.
            selectedSKU = (product.variants.first { $0.stock.available > 0 } ?? product.variants[0]).sku
        }
        let variants = product.variants.map { choice($0, selected: $0.sku == selectedSKU) }
        let trail = product.breadcrumbs.map { Breadcrumb(name: $0.name, url: SiteURL.category(slug: $0.slug).path) }
        let context = Context(
            title: product.title, brand: product.brand, description: product.description,
            breadcrumbs: [Breadcrumb(name: "Home", url: SiteURL.home.path)] + trail
                + [Breadcrumb(name: product.title, url: nil)],
            images: product.images.map { CatalogDTO.Image(url: $0.url, alt: $0.alt.isEmpty ? product.title : $0.alt) },
            attributes: product.attributes.sorted { $0.key < $1.key }.map { Attribute(name: $0.key, value: $0.value) },
            formAction: SiteURL.product(slug: product.slug).path,
            selected: variants.first { $0.isSelected } ?? variants[0], variants: variants,
            addToCartAction: SiteURL.cartItems.path, canBuy: variants.contains { $0.isAvailable },
            maximumQuantity: CartError.maximumQuantity)
        return try await req.renderPage("product", context)
    }

    private static func choice(_ variant: CatalogDTO.Variant, selected: Bool) -> VariantChoice {
        let (label, cssClass): (String, String) =
            switch variant.stock.status {
            case .inStock: ("In stock", "in-stock")
            case .lowStock: ("Only \(variant.stock.available) left", "low-stock")
            case .outOfStock: ("Out of stock", "out-of-stock")
            }
        return VariantChoice(
            sku: variant.sku, title: variant.title.isEmpty ? variant.sku : variant.title,
            price: variant.price.formatted, compareAtPrice: variant.compareAtPrice?.formatted, stockLabel: label,
            stockClass: cssClass, isAvailable: variant.stock.available > 0, isSelected: selected)
    }
}
