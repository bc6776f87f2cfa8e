import Foundation
import Vapor

/// The bounds of what staff may write to the catalogue, and the checks that turn request bodies
/// into validated values or a 400 naming the field.
enum ProductRules {
    static let maximumTitle = 200
    static let maximumSlug = 120
    static let maximumDescription = 20_000
    static let maximumBrand = 100
    static let maximumAttributes = 50
    static let maximumAttributeName = 50
    static let maximumAttributeValue = 500
    static let maximumSEOTitle = 200
    static let maximumSEODescription = 500
    static let maximumSKU = 64
    static let maximumOptionName = 50
    static let maximumOptionValue = 50
    static let maximumOptions = 3
    /// The most variants one product may have, however they are made (listed or generated).
    static let maximumVariants = 100
    /// 100 million in major units; a cart line of 99 of them still fits easily in 64 bits.
    static let maximumPrice: Int64 = 10_000_000_000
    static let maximumWeightGrams = 1_000_000
    static let currencies: Set<String> = ["EUR", "USD", "GBP", "CHF", "JPY"]

    /// Text of 1 to `maximum` code points as sent (the OpenAPI document's count), trimmed and not
    /// blank.
    static func required(_ value: String, _ field: String, maximum: Int) throws -> String {
        let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, value.unicodeScalars.count <= maximum else {
            throw InvalidField(name: field, problem: "must be 1 to \(maximum) characters")
        }
        return text
    }

    /// Text of at most `maximum` code points as sent, trimmed; "" when absent.
    static func optional(_ value: String?, _ field: String, maximum: Int) throws -> String {
        let text = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (value ?? "").unicodeScalars.count <= maximum else {
            throw InvalidField(name: field, problem: "must be at most \(maximum) characters")
        }
        return text
    }

    /// Lowercase letters and digits in words joined by single hyphens, as product URLs use.
    static func slug(_ value: String, _ field: String = "slug") throws -> String {
        let words = value.split(separator: "-", omittingEmptySubsequences: false)
        guard value.utf8.count <= maximumSlug, !words.isEmpty,
            words.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(isSlugCharacter) })
        else {
            throw InvalidField(
                name: field,
                problem: "must be 1 to \(maximumSlug) lowercase letters, digits and single hyphens, e.g. 'linen-shirt'")
        }
        return value
    }

    /// A slug made from a title: its ASCII letters and digits, lowercased, the rest turned into
    /// hyphens. Nil when nothing is left (a title in another script needs an explicit slug).
    static func slug(fromTitle title: String) -> String? {
        let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var words: [String] = []
        var word = ""
        for scalar in folded.unicodeScalars {
            if isSlugCharacter(scalar) {
                word.unicodeScalars.append(scalar)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        var slug = ""
        for word in words where slug.count + word.count + 1 <= maximumSlug {
            slug += slug.isEmpty ? word : "-" + word
        }
        return slug.isEmpty ? nil : slug
    }

    private static func isSlugCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// Letters, digits, `.`, `_` and `-`, starting with a letter or digit.
    static func sku(_ value: String, _ field: String) throws -> String {
        let scalars = Array(value.unicodeScalars)
        let isPlain: (Unicode.Scalar) -> Bool = {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))
        }
        guard (1...maximumSKU).contains(scalars.count), isPlain(scalars[0]),
            scalars.allSatisfy({ isPlain($0) || $0 == "." || $0 == "_" || $0 == "-" })
        else {
            throw InvalidField(
                name: field, problem: "must be 1 to \(maximumSKU) ASCII letters, digits, '.', '_' or '-'")
        }
        return value
    }

    static func price(_ value: Int64, _ field: String) throws -> Int64 {
        guard 0...maximumPrice ~= value else {
            throw InvalidField(name: field, problem: "must be from 0 to \(maximumPrice) minor units")
        }
        return value
    }

    /// A compare-at ("was") price: above the price, or it would show no saving.
    static func compareAt(_ value: Int64?, price: Int64, _ field: String) throws -> Int64? {
        guard let value else { return nil }
        guard value > price, value <= maximumPrice else {
            throw InvalidField(name: field, problem: "must be more than the price and at most \(maximumPrice)")
        }
        return value
    }

    static func weight(_ value: Int?, _ field: String) throws -> Int {
        let grams = value ?? 0
        guard 0...maximumWeightGrams ~= grams else {
            throw InvalidField(name: field, problem: "must be from 0 to \(maximumWeightGrams) grams")
        }
        return grams
    }

    static func onHand(_ value: Int?, _ field: String) throws -> Int {
        let count = value ?? 0
        guard 0...InventoryService.maximumOnHand ~= count else {
            throw InvalidField(name: field, problem: "must be from 0 to \(InventoryService.maximumOnHand)")
        }
        return count
    }

    /// Attributes as the JSON object the products table keeps, keys sorted.
    static func attributesJSON(_ attributes: [String: String]?) throws -> String {
        let attributes = attributes ?? [:]
        guard attributes.count <= maximumAttributes else {
            throw InvalidField(name: "attributes", problem: "must have at most \(maximumAttributes) entries")
        }
        var cleaned: [String: String] = [:]
        for (name, value) in attributes {
            let key = try required(name, "attributes", maximum: maximumAttributeName)
            cleaned[key] = try optional(value, "attributes.\(key)", maximum: maximumAttributeValue)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(cleaned), as: UTF8.self)
    }
}

/// `POST /api/v1/admin/products`: a new product with its variants, listed or generated.
struct ProductCreateBody: Content {
    var title: String
    var slug: String?
    var description: String?
    var brand: String?
    var attributes: [String: String]?
    var categoryId: UUID?
    var featured: Bool?
    var seoTitle: String?
    var seoDescription: String?
    var currency: String?
    /// `draft` (the default) or `active`.
    var status: String?
    var variants: [VariantBody]?
    var matrix: VariantMatrixBody?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, slug, description, brand, attributes, categoryId, featured, seoTitle, seoDescription, currency
        case status, variants, matrix
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.closedContainer(keyedBy: CodingKeys.self)
        title = try container.decode(String.self, forKey: .title)
        slug = try container.decodeIfPresent(String.self, forKey: .slug)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        brand = try container.decodeIfPresent(String.self, forKey: .brand)
        attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes)
        categoryId = try container.decodeIfPresent(UUID.self, forKey: .categoryId)
        featured = try container.decodeIfPresent(Bool.self, forKey: .featured)
        seoTitle = try container.decodeIfPresent(String.self, forKey: .seoTitle)
        seoDescription = try container.decodeIfPresent(String.self, forKey: .seoDescription)
        currency = try container.decodeIfPresent(String.self, forKey: .currency)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        variants = try container.decodeIfPresent([VariantBody].self, forKey: .variants)
        matrix = try container.decodeIfPresent(VariantMatrixBody.self, forKey: .matrix)
    }
}

/// One variant as staff list it.
struct VariantBody: Content {
    var sku: String
    var title: String?
    var price: Int64
    var compareAtPrice: Int64?
    var weightGrams: Int?
    var options: [String: String]?
    var onHand: Int?
    var active: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sku, title, price, compareAtPrice, weightGrams, options, onHand, active
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.closedContainer(keyedBy: CodingKeys.self)
        sku = try container.decode(String.self, forKey: .sku)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        price = try container.decode(Int64.self, forKey: .price)
        compareAtPrice = try container.decodeIfPresent(Int64.self, forKey: .compareAtPrice)
        weightGrams = try container.decodeIfPresent(Int.self, forKey: .weightGrams)
        options = try container.decodeIfPresent([String: String].self, forKey: .options)
        onHand = try container.decodeIfPresent(Int.self, forKey: .onHand)
        active = try container.decodeIfPresent(Bool.self, forKey: .active)
    }
}

/// Options (size, colour) whose every combination becomes a variant with the same price.
struct VariantMatrixBody: Content {
    struct Option: Content {
        var name: String
        var values: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, values
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.closedContainer(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            values = try container.decode([String].self, forKey: .values)
        }
    }

    var options: [Option]
    /// Each SKU is the prefix and the option values, e.g. `TEE-M-BLUE`.
    var skuPrefix: String
    var price: Int64
    var compareAtPrice: Int64?
    var weightGrams: Int?
    var onHand: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case options, skuPrefix, price, compareAtPrice, weightGrams, onHand
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.closedContainer(keyedBy: CodingKeys.self)
        options = try container.decode([Option].self, forKey: .options)
        skuPrefix = try container.decode(String.self, forKey: .skuPrefix)
        price = try container.decode(Int64.self, forKey: .price)
        compareAtPrice = try container.decodeIfPresent(Int64.self, forKey: .compareAtPrice)
        weightGrams = try container.decodeIfPresent(Int.self, forKey: .weightGrams)
        onHand = try container.decodeIfPresent(Int.self, forKey: .onHand)
    }
}

/// `PATCH /api/v1/admin/products/{id}`: only the fields sent change; `categoryId: null` takes the
/// product out of its category.
struct ProductPatchBody: Content {
    var title: String?
    var slug: String?
    var description: String?
    var brand: String?
    var attributes: [String: String]?
    /// nil: unchanged; `.some(nil)`: no category.
    var categoryId: UUID??
    var featured: Bool?
    var seoTitle: String?
    var seoDescription: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, slug, description, brand, attributes, categoryId, featured, seoTitle, seoDescription
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.closedContainer(keyedBy: CodingKeys.self)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        slug = try container.decodeIfPresent(String.self, forKey: .slug)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        brand = try container.decodeIfPresent(String.self, forKey: .brand)
        attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes)
        if container.contains(.categoryId) {
            categoryId = .some(try container.decodeIfPresent(UUID.self, forKey: .categoryId))
        }
        featured = try container.decodeIfPresent(Bool.self, forKey: .featured)
        seoTitle = try container.decodeIfPresent(String.self, forKey: .seoTitle)
        seoDescription = try container.decodeIfPresent(String.self, forKey: .seoDescription)
    }
}

/// `PATCH /api/v1/admin/products/{id}/variants/{variantId}`: only the fields sent change;
/// `compareAtPrice: null` removes the "was" price.
struct VariantPatchBody: Content {
    var sku: String?
    var title: String?
    var price: Int64?
    var compareAtPrice: Int64??
    var weightGrams: Int?
    var active: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sku, title, price, compareAtPrice, weightGrams, active
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.closedContainer(keyedBy: CodingKeys.self)
        sku = try container.decodeIfPresent(String.self, forKey: .sku)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        price = try container.decodeIfPresent(Int64.self, forKey: .price)
        if container.contains(.compareAtPrice) {
            compareAtPrice = .some(try container.decodeIfPresent(Int64.self, forKey: .compareAtPrice))
        }
        weightGrams = try container.decodeIfPresent(Int.self, forKey: .weightGrams)
        active = try container.decodeIfPresent(Bool.self, forKey: .active)
    }
}

/// `POST /api/v1/admin/products/{id}/variants`: more variants, listed or generated.
struct VariantAdditionBody: Content {
    var variants: [VariantBody]?
    var matrix: VariantMatrixBody?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case variants, matrix
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.closedContainer(keyedBy: CodingKeys.self)
        variants = try container.decodeIfPresent([VariantBody].self, forKey: .variants)
        matrix = try container.decodeIfPresent(VariantMatrixBody.self, forKey: .matrix)
    }
}

/// `PATCH /api/v1/admin/products/{product}/images/{imageId}`: new alt text (empty: the product's
/// title) and/or a new place in the order.
struct ImagePatchBody: Content {
    var alt: String?
    var position: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case alt, position
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.closedContainer(keyedBy: CodingKeys.self)
        alt = try container.decodeIfPresent(String.self, forKey: .alt)
        position = try container.decodeIfPresent(Int.self, forKey: .position)
    }
}
