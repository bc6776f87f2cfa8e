import Fluent
import FluentSQL
import Foundation
import SQLKit

/// Variant writes: more variants (listed, or the missing combinations of an option matrix) and
/// edits of one. Each moves the product's version and keeps its price range in step.
extension CatalogWriter {
    /// Adds listed variants (a combination the product has already is refused) or the matrix's
    /// combinations it doesn't have yet, after its others.
    func addVariants(
        to productID: UUID, _ body: VariantAdditionBody, expected: Expected, actor: String
    ) async throws -> AdminProductDTO {
        let requested = try VariantSpec.resolve(listed: body.variants, matrix: body.matrix)
        try await refuseTakenSKUs(requested.map(\.sku), except: [])
        do {
            try await db.transaction { tx in
                var specs = requested
                let product = try await claim(productID, expected, on: tx)
                let existing = try await VariantOptions.read(ofProduct: productID, on: tx)
                if let names = existing.optionNames, names != specs[0].optionNames {
                    throw ProductAdminError.optionsMismatch(expected: names)
                }
                if body.matrix != nil {
                    specs.removeAll { existing.combinations.contains($0.combination) }
                } else if let repeated = specs.first(where: { existing.combinations.contains($0.combination) }) {
                    throw ProductAdminError.duplicateVariant(
                        repeated.options.map { "\($0.name) \($0.value)" }.joined(separator: ", "))
                }
                guard existing.count + specs.count <= ProductRules.maximumVariants else {
                    throw ProductAdminError.tooManyVariants
                }
                try await insert(
                    specs, into: productID, currency: product.currency, after: existing.lastPosition, actor: actor,
                    on: tx)
                try await Self.refreshPriceRange(of: product, on: tx)
            }
        } catch {
            // A SKU taken meanwhile: name it; anything else as it was.
            if let failure = error as? any DatabaseError, failure.isConstraintFailure {
                try await refuseTakenSKUs(requested.map(\.sku), except: [])
            }
            throw error
        }
        await published([productID])
        return try await reader.product(productID)
    }

    /// Changes the fields sent. A price change reaches carts at once (they price from the
    /// catalogue) and never placed orders (they keep their own). Switching the last active variant
    /// of an active product off is refused: unpublish the product first.
    func updateVariant(
        _ variantID: UUID, of productID: UUID, _ patch: VariantPatchBody, expected: Expected
    ) async throws -> AdminProductDTO {
        let sku = try patch.sku.map { try ProductRules.sku($0, "sku") }
        let title = try patch.title.map { try ProductRules.optional($0, "title", maximum: ProductRules.maximumTitle) }
        let price = try patch.price.map { try ProductRules.price($0, "price") }
        let weight = try patch.weightGrams.map { try ProductRules.weight($0, "weightGrams") }
        if let sku { try await refuseTakenSKUs([sku], except: [variantID]) }
        do {
            try await db.transaction { tx in
                let product = try await claim(productID, expected, on: tx)
                guard
                    let variant = try await Variant.query(on: tx).filter(\.$id == variantID)
                        .filter(\.$product.$id == productID).first()
                else { throw ProductAdminError.variantNotFound }
                if let sku { variant.sku = sku }
                if let title { variant.title = title }
                if let price { variant.priceAmount = price }
                if let weight { variant.weightGrams = weight }
                if let compareAt = patch.compareAtPrice {
                    variant.compareAtAmount = try ProductRules.compareAt(
                        compareAt, price: variant.priceAmount, "compareAtPrice")
                } else if let kept = variant.compareAtAmount, kept <= variant.priceAmount {
                    throw InvalidField(
                        name: "compareAtPrice", problem: "must be more than the new price; send null to remove it")
                }
                if let active = patch.active, active != variant.active {
                    try await switchVariant(variant, on: active, of: product, on: tx)
                }
                try await variant.save(on: tx)
                try await Self.refreshPriceRange(of: product, on: tx)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw ProductAdminError.duplicateSKU(sku ?? "")
        }
        await published([productID])
        return try await reader.product(productID)
    }

    private func switchVariant(_ variant: Variant, on active: Bool, of product: Product, on tx: any Database)
        async throws
    {
        let variantID = try variant.requireID()
        if !active, product.status == .active {
            let others = try await Variant.query(on: tx).filter(\.$product.$id == product.requireID())
                .filter(\.$active == true).filter(\.$id != variantID).count()
            guard others > 0 else { throw ProductAdminError.noActiveVariant }
        }
        variant.active = active
        try await InventoryService(db: tx).setSellable([variantID], active)
    }

    /// The cheapest and dearest active variant (of all, when none is active) as the product's range,
    /// which listings sort and filter on.
    static func refreshPriceRange(of product: Product, on tx: any Database) async throws {
        let id = try product.requireID()
        let rows = try await tx.sql.raw(
            """
            SELECT active, MIN(price_amount) AS low, MAX(price_amount) AS high FROM variants
            WHERE product_id = \(bind: id) GROUP BY active
            """
        ).all()
        var ranges: [Bool: (low: Int64, high: Int64)] = [:]
        for row in rows {
            ranges[try row.decode(column: "active", as: Bool.self)] = (
                try row.decode(column: "low", as: Int64.self), try row.decode(column: "high", as: Int64.self)
            )
        }
        guard let range = ranges[true] ?? ranges[false] else { return }
        product.priceMin = range.low
        product.priceMax = range.high
        try await product.save(on: tx)
    }
}

/// A product's variants as far as adding more needs: how many, the last position, the option
/// names they share and the combinations they have.
struct VariantOptions {
    var count = 0
    var lastPosition = -1
    /// Sorted; nil for a product without variants.
    var optionNames: [String]?
    var combinations: Set<String> = []

    static func read(ofProduct productID: UUID, on db: any Database) async throws -> VariantOptions {
        let variants = try await Variant.query(on: db).filter(\.$product.$id == productID).all()
        let options = try await values(ofProduct: productID, on: db)
        var result = VariantOptions(count: variants.count, lastPosition: variants.map(\.position).max() ?? -1)
        for variant in variants {
            let values = (options[try variant.requireID()] ?? [:]).map {
                VariantSpec.OptionValue(name: $0.key, value: $0.value)
            }
            .sorted { $0.name < $1.name }
            if result.optionNames == nil { result.optionNames = values.map(\.name) }
            result.combinations.insert(VariantSpec.combination(values))
        }
        return result
    }

    /// Each variant's option values (name to value), in one query over the product's rows.
    static func values(ofProduct productID: UUID, on db: any Database) async throws -> [UUID: [String: String]] {
        var options: [UUID: [String: String]] = [:]
        for row in try await db.sql.raw(
            "SELECT variant_id, name, value FROM variant_options WHERE product_id = \(bind: productID)"
        ).all() {
            options[try row.decode(column: "variant_id", as: UUID.self), default: [:]][
                try row.decode(column: "name", as: String.self)] = try row.decode(column: "value", as: String.self)
        }
        return options
    }
}
