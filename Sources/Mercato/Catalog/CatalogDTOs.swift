import Foundation
import Vapor

/// Wire formats of the Store API's catalogue endpoints; stable, independent of the tables.
enum CatalogDTO {
    struct CategoryReference: Content, Equatable {
        var id: UUID
        var slug: String
        var name: String
    }

    struct CategoryNode: Content, Equatable {
        var id: UUID
        var slug: String
        var name: String
        var children: [CategoryNode]
    }

    struct CategoryTree: Content, Equatable {
        var categories: [CategoryNode]
    }

    struct Image: Content, Equatable {
        var url: String
        var alt: String
    }

    struct Stock: Content, Equatable {
        enum Status: String, Codable { case inStock = "in_stock", lowStock = "low_stock", outOfStock = "out_of_stock" }
        var status: Status
        var available: Int
    }

    struct ProductSummary: Content, Equatable {
        var id: UUID
        var slug: String
        var title: String
        var brand: String
        var price: Money
        /// Set when variants differ in price ("from €10").
        var priceMax: Money?
        var compareAtPrice: Money?
        var inStock: Bool
        var image: Image?
    }

    struct Variant: Content, Equatable {
        var id: UUID
        var sku: String
        var title: String
        var options: [String: String]
        var price: Money
        var compareAtPrice: Money?
        var weightGrams: Int
        var stock: Stock
    }

    struct Option: Content, Equatable {
        var name: String
        var values: [String]
    }

    struct ProductDetail: Content, Equatable {
        var id: UUID
        var slug: String
        var title: String
        var description: String
        var brand: String
        var attributes: [String: String]
        var category: CategoryReference?
        var breadcrumbs: [CategoryReference]
        var images: [Image]
        var options: [Option]
        var variants: [Variant]
        var price: Money
        var priceMax: Money?
        var inStock: Bool
    }

    struct VariantList: Content, Equatable {
        var productSlug: String
        var variants: [Variant]
    }

    struct FacetValue: Content, Equatable {
        var value: String
        var label: String
        var count: Int
    }

    struct PriceBand: Content, Equatable {
        var min: Int64
        /// Exclusive upper bound; absent for the top band.
        var max: Int64?
        var count: Int
    }

    struct OptionFacet: Content, Equatable {
        var name: String
        var values: [FacetValue]
    }

    struct Facets: Content, Equatable {
        var categories: [FacetValue]
        var brands: [FacetValue]
        var priceBands: [PriceBand]
        var options: [OptionFacet]
    }

    struct ProductPage: Content, Equatable {
        var items: [ProductSummary]
        var page: Int
        var pageSize: Int
        var total: Int
        var totalPages: Int
        var facets: Facets?
        /// The query actually searched when the original had typos ("sneakres" → "sneakers").
        var correctedQuery: String?
    }

    struct Suggestion: Content, Equatable {
        var title: String
        var slug: String
    }

    struct Suggestions: Content, Equatable {
        var query: String
        var suggestions: [Suggestion]
    }
}
