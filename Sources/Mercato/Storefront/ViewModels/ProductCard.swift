/// One product in a grid, as the card template shows it.
struct ProductCard: Encodable, Sendable {
    var title: String
    var brand: String
    var url: String
    /// `€75.00`, or `from €75.00` when variants differ in price.
    var price: String
    /// The struck-through former price, when the product is on sale.
    var compareAtPrice: String?
    var inStock: Bool
    var imageURL: String?
    var imageAlt: String

    init(_ summary: CatalogDTO.ProductSummary) {
        title = summary.title
        brand = summary.brand
        url = SiteURL.product(slug: summary.slug).path
        price = summary.priceMax == nil ? summary.price.formatted : "from \(summary.price.formatted)"
        compareAtPrice = summary.compareAtPrice?.formatted
        inStock = summary.inStock
        imageURL = summary.image?.url
        imageAlt = summary.image.map { $0.alt.isEmpty ? summary.title : $0.alt } ?? summary.title
    }
}

/// A link in a breadcrumb trail; the last crumb is the current page and has no link.
struct Breadcrumb: Encodable, Sendable {
    var name: String
    var url: String?
}
