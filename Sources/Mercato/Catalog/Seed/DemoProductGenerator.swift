import Foundation

/// Generates demo products. Product `n` depends only on the seed and `n`, so seeding 100 and then
/// 1,000 products adds exactly the 900 new ones.
struct DemoProductGenerator {
    static let currency = "EUR"
    static let leaves: [DemoCatalogData.Leaf] = DemoCatalogData.tree.flatMap(\.children)
    /// Demo products are spread over 2026 so "newest" sorting has something to sort.
    static let epoch = Date(timeIntervalSince1970: 1_767_225_600)

    let seed: UInt64

    func product(number: Int) -> NewProduct {
        var random = SeededRandom(seed: seed &* 1_000_003 &+ UInt64(number))
        let leaf = Self.leaves[number % Self.leaves.count]
        let brand = random.pick(DemoCatalogData.brands)
        let adjective = random.pick(DemoCatalogData.adjectives)
        let noun = random.pick(leaf.nouns)
        let material = random.pick(DemoCatalogData.materials)
        let title = "\(brand) \(adjective) \(noun)"
        let slug = "\(Slug.make(title))-\(number + 1)"
        let productID = random.uuid()
        let basePrice = Self.roundedPrice(Int64.random(in: leaf.priceRange, using: &random))
        let discounted = Int.random(in: 0..<5, using: &random) == 0

        var variants: [NewProduct.Variant] = []
        let first = leaf.options[0]
        let chosen = Set(
            first.values.shuffled(using: &random).prefix(Int.random(in: 2...first.values.count, using: &random)))
        let firstValues = first.values.filter { chosen.contains($0) }
        let secondValues: [String?] =
            leaf.options.count > 1
            ? Array(leaf.options[1].values.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random)))
            : [nil]
        for (firstIndex, firstValue) in firstValues.enumerated() {
            for secondValue in secondValues {
                var options = [(name: first.name, value: firstValue)]
                if let secondValue { options.append((name: leaf.options[1].name, value: secondValue)) }
                // Bigger storage or memory costs more; sizes of clothing don't.
                let step =
                    ["storage", "memory", "capacity"].contains(first.name) ? Int64(firstIndex) * basePrice / 5 : 0
                let price = Self.roundedPrice(basePrice + step)
                let outOfStock = Int.random(in: 0..<8, using: &random) == 0
                variants.append(
                    NewProduct.Variant(
                        id: random.uuid(), sku: "\(brand.prefix(3).uppercased())-\(number + 1)-\(variants.count + 1)",
                        title: options.map(\.value).joined(separator: " / "), options: options, price: price,
                        compareAt: discounted ? price * 5 / 4 : nil,
                        weightGrams: Int.random(in: leaf.weightGrams, using: &random),
                        onHand: outOfStock ? 0 : Int.random(in: 1...40, using: &random)))
            }
        }
        let attributes = ["material": material, "care": random.pick(["machine wash", "wipe clean", "hand wash"])]
        let attributesJSON = String(
            decoding: (try? JSONEncoder.api.encode(attributes)) ?? Data("{}".utf8), as: UTF8.self)
        return NewProduct(
            id: productID, title: title, slug: slug,
            description:
                "The \(title) is made from \(material). \(adjective) design from \(brand), built for everyday use and "
                + "backed by our 30-day returns.",
            brand: brand, attributesJSON: attributesJSON, categorySlug: Slug.make(leaf.name),
            featured: Int.random(in: 0..<20, using: &random) == 0,
            createdAt: Self.epoch.addingTimeInterval(Double(number) * 600), variants: variants,
            imageColour: random.pick(["#0b6e4f", "#1d3557", "#e63946", "#f4a261", "#6d597a", "#2a9d8f", "#264653"]))
    }

    /// Shop-style prices ending in 99 cents (or 00 for big tickets).
    static func roundedPrice(_ amount: Int64) -> Int64 {
        amount >= 100_000 ? (amount / 1_000) * 1_000 - 100 : max(99, (amount / 100) * 100 + 99)
    }
}

/// URL slugs: lowercase ASCII words joined by hyphens.
enum Slug {
    static func make(_ text: String) -> String {
        SearchText.terms(in: text, limit: .max).joined(separator: "-")
    }
}
