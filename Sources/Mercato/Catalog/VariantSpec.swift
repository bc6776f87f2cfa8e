import Foundation

/// A validated new variant: what `CatalogWriter` inserts.
struct VariantSpec: Sendable, Equatable {
    struct OptionValue: Sendable, Equatable {
        var name: String
        var value: String
    }

    var sku: String
    var title: String
    var price: Int64
    var compareAt: Int64?
    var weightGrams: Int
    /// In option-name order.
    var options: [OptionValue]
    var onHand: Int
    var active: Bool

    /// The option names, sorted: what every variant of a product must share.
    var optionNames: [String] { options.map(\.name) }
    /// Identifies the combination ("Colour=Blue|Size=M"), for refusing a repeated one.
    var combination: String { Self.combination(options) }

    /// "Colour=Blue|Size=M" for option values in name order.
    static func combination(_ options: [OptionValue]) -> String {
        options.map { "\($0.name)=\($0.value)" }.joined(separator: "|")
    }

    /// The variants a create or addition asks for: listed (`variants`) or generated (`matrix`),
    /// exactly one of them, at most `ProductRules.maximumVariants`, SKUs and combinations unique
    /// within the request and every variant naming the same options. A 400 names the field.
    static func resolve(listed: [VariantBody]?, matrix: VariantMatrixBody?) throws -> [VariantSpec] {
        let specs: [VariantSpec]
        switch (listed, matrix) {
        case (let listed?, nil):
            guard (1...ProductRules.maximumVariants).contains(listed.count) else {
                throw InvalidField(name: "variants", problem: "must have 1 to \(ProductRules.maximumVariants) variants")
            }
            specs = try listed.enumerated().map { try spec($0.element, field: "variants[\($0.offset)]") }
        case (nil, let matrix?):
            specs = try generate(matrix)
        default:
            throw InvalidField(name: "variants", problem: "or matrix must be given, not both")
        }
        var skus = Set<String>()
        var combinations = Set<String>()
        for (index, variant) in specs.enumerated() {
            let field = listed == nil ? "matrix.options" : "variants[\(index)]"
            guard skus.insert(variant.sku.lowercased()).inserted else {
                throw InvalidField(name: field + (listed == nil ? "" : ".sku"), problem: "repeats SKU '\(variant.sku)'")
            }
            guard variant.optionNames == specs[0].optionNames else {
                throw InvalidField(name: field + ".options", problem: "must name the same options as the first variant")
            }
            guard combinations.insert(variant.combination).inserted else {
                throw InvalidField(name: field + ".options", problem: "repeat another variant's option values")
            }
        }
        return specs
    }

    private static func spec(_ body: VariantBody, field: String) throws -> VariantSpec {
        let options = try optionValues(body.options ?? [:], field: field + ".options")
        let price = try ProductRules.price(body.price, field + ".price")
        let title =
            try body.title.map { try ProductRules.optional($0, field + ".title", maximum: ProductRules.maximumTitle) }
            ?? options.map(\.value).joined(separator: " / ")
        return VariantSpec(
            sku: try ProductRules.sku(body.sku, field + ".sku"), title: title, price: price,
            compareAt: try ProductRules.compareAt(body.compareAtPrice, price: price, field + ".compareAtPrice"),
            weightGrams: try ProductRules.weight(body.weightGrams, field + ".weightGrams"), options: options,
            onHand: try ProductRules.onHand(body.onHand, field + ".onHand"), active: body.active ?? true)
    }

    /// Option values sorted by name, each name and value 1 to 50 characters.
    private static func optionValues(_ options: [String: String], field: String) throws -> [OptionValue] {
        guard options.count <= ProductRules.maximumOptions else {
            throw InvalidField(name: field, problem: "must have at most \(ProductRules.maximumOptions) options")
        }
        return try options.map { name, value in
            OptionValue(
                name: try ProductRules.required(name, field, maximum: ProductRules.maximumOptionName),
                value: try ProductRules.required(value, field + ".\(name)", maximum: ProductRules.maximumOptionValue))
        }.sorted { $0.name < $1.name }
    }

    /// Every combination of the matrix's option values, one variant each.
    private static func generate(_ matrix: VariantMatrixBody) throws -> [VariantSpec] {
        guard (1...ProductRules.maximumOptions).contains(matrix.options.count) else {
            throw InvalidField(name: "matrix.options", problem: "must have 1 to \(ProductRules.maximumOptions) options")
        }
        var axes: [(name: String, values: [String])] = []
        var size = 1
        for (index, option) in matrix.options.enumerated() {
            let field = "matrix.options[\(index)]"
            let name = try ProductRules.required(option.name, field + ".name", maximum: ProductRules.maximumOptionName)
            guard !axes.contains(where: { $0.name == name }) else {
                throw InvalidField(name: field + ".name", problem: "repeats option '\(name)'")
            }
            guard (1...ProductRules.maximumVariants).contains(option.values.count) else {
                throw InvalidField(
                    name: field + ".values", problem: "must have 1 to \(ProductRules.maximumVariants) values")
            }
            let values = try option.values.map {
                try ProductRules.required($0, field + ".values", maximum: ProductRules.maximumOptionValue)
            }
            guard Set(values).count == values.count else {
                throw InvalidField(name: field + ".values", problem: "must not repeat a value")
            }
            size *= values.count
            guard size <= ProductRules.maximumVariants else {
                throw InvalidField(
                    name: "matrix.options", problem: "would make more than \(ProductRules.maximumVariants) variants")
            }
            axes.append((name, values))
        }
        // Shorter than a SKU, leaving room for the option values.
        guard matrix.skuPrefix.unicodeScalars.count <= 40 else {
            throw InvalidField(name: "matrix.skuPrefix", problem: "must be at most 40 characters")
        }
        let prefix = try ProductRules.sku(matrix.skuPrefix, "matrix.skuPrefix")
        let price = try ProductRules.price(matrix.price, "matrix.price")
        let compareAt = try ProductRules.compareAt(matrix.compareAtPrice, price: price, "matrix.compareAtPrice")
        let weight = try ProductRules.weight(matrix.weightGrams, "matrix.weightGrams")
        let onHand = try ProductRules.onHand(matrix.onHand, "matrix.onHand")
        var combinations: [[OptionValue]] = [[]]
        for axis in axes {
            combinations = combinations.flatMap { partial in
                axis.values.map { partial + [OptionValue(name: axis.name, value: $0)] }
            }
        }
        return try combinations.map { chosen in
            let sku = ([prefix] + chosen.map { skuPart($0.value) }).joined(separator: "-")
            return VariantSpec(
                sku: try ProductRules.sku(sku, "matrix.skuPrefix"), title: chosen.map(\.value).joined(separator: " / "),
                price: price, compareAt: compareAt, weightGrams: weight, options: chosen.sorted { $0.name < $1.name },
                onHand: onHand, active: true)
        }
    }

    /// An option value as it reads in a SKU: ASCII letters and digits uppercased, the rest dropped.
    private static func skuPart(_ value: String) -> String {
        let folded = value.folding(options: .diacriticInsensitive, locale: nil).uppercased()
        let kept = folded.unicodeScalars.filter {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))
        }
        return kept.isEmpty ? "X" : String(String.UnicodeScalarView(kept))
    }
}
