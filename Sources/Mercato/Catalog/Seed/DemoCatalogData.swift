/// The vocabulary of the demo shop: a category tree with, per leaf, the nouns, options and price
/// range its products get.
enum DemoCatalogData {
    struct Leaf {
        var name: String
        var nouns: [String]
        var options: [(name: String, values: [String])]
        /// Minor units.
        var priceRange: ClosedRange<Int64>
        var weightGrams: ClosedRange<Int>
    }

    struct Root {
        var name: String
        var children: [Leaf]
    }

    static let colours = ["Black", "White", "Navy", "Red", "Olive", "Grey", "Sand", "Blue"]
    static let apparelSizes = ["XS", "S", "M", "L", "XL"]
    static let shoeSizes = ["38", "39", "40", "41", "42", "43", "44", "45"]

    static let tree: [Root] = [
        Root(
            name: "Clothing",
            children: [
                Leaf(
                    name: "T-Shirts",
                    nouns: ["Crew Tee", "Pocket Tee", "Graphic T-Shirt", "Henley", "Long Sleeve Tee"],
                    options: [("size", apparelSizes), ("colour", colours)], priceRange: 1_500...4_500,
                    weightGrams: 150...250),
                Leaf(
                    name: "Jackets", nouns: ["Rain Jacket", "Down Jacket", "Denim Jacket", "Fleece", "Parka"],
                    options: [("size", apparelSizes), ("colour", colours)], priceRange: 6_000...29_000,
                    weightGrams: 500...1_400),
                Leaf(
                    name: "Trousers", nouns: ["Chinos", "Jeans", "Cargo Trousers", "Joggers", "Hiking Pants"],
                    options: [("size", apparelSizes), ("colour", colours)], priceRange: 3_500...12_000,
                    weightGrams: 350...700),
            ]),
        Root(
            name: "Shoes",
            children: [
                Leaf(
                    name: "Sneakers", nouns: ["Running Sneakers", "Court Sneakers", "Knit Sneakers", "Trainers"],
                    options: [("size", shoeSizes), ("colour", colours)], priceRange: 5_000...18_000,
                    weightGrams: 600...1_000),
                Leaf(
                    name: "Boots", nouns: ["Chelsea Boots", "Hiking Boots", "Work Boots", "Snow Boots"],
                    options: [("size", shoeSizes), ("colour", ["Black", "Brown", "Tan"])], priceRange: 8_000...26_000,
                    weightGrams: 900...1_600),
            ]),
        Root(
            name: "Electronics",
            children: [
                Leaf(
                    name: "Phones", nouns: ["Smartphone", "Phone", "Rugged Phone", "Folding Phone"],
                    options: [("storage", ["64 GB", "128 GB", "256 GB"]), ("colour", ["Black", "Silver", "Blue"])],
                    priceRange: 19_900...129_900, weightGrams: 150...260),
                Leaf(
                    name: "Headphones", nouns: ["Wireless Headphones", "Earbuds", "Studio Headphones"],
                    options: [("colour", ["Black", "White", "Silver"])], priceRange: 2_900...39_900,
                    weightGrams: 40...350),
                Leaf(
                    name: "Laptops", nouns: ["Laptop", "Ultrabook", "Notebook"],
                    options: [("memory", ["8 GB", "16 GB", "32 GB"])], priceRange: 49_900...249_900,
                    weightGrams: 1_100...2_400),
            ]),
        Root(
            name: "Home",
            children: [
                Leaf(
                    name: "Kitchen", nouns: ["Chef Knife", "Frying Pan", "Coffee Grinder", "Kettle", "Teapot"],
                    options: [("colour", ["Black", "Steel", "Copper"])], priceRange: 1_900...14_900,
                    weightGrams: 200...2_500),
                Leaf(
                    name: "Lighting", nouns: ["Desk Lamp", "Floor Lamp", "Pendant Light"],
                    options: [("colour", ["Black", "White", "Brass"])], priceRange: 2_900...24_900,
                    weightGrams: 500...4_000),
            ]),
        Root(
            name: "Outdoor",
            children: [
                Leaf(
                    name: "Backpacks", nouns: ["Daypack", "Hiking Backpack", "Travel Backpack"],
                    options: [("size", ["20 L", "30 L", "45 L"]), ("colour", colours)], priceRange: 3_900...21_900,
                    weightGrams: 500...1_800),
                Leaf(
                    name: "Tents", nouns: ["Dome Tent", "Ultralight Tent", "Family Tent"],
                    options: [("capacity", ["1 person", "2 person", "4 person"])], priceRange: 9_900...59_900,
                    weightGrams: 900...6_000),
            ]),
    ]

    static let brands = [
        "Nordlys", "Alba", "Kestrel", "Meridian", "Solstice", "Tamarack", "Vireo", "Halcyon", "Cobalt", "Fjell",
        "Ember", "Larch", "Oriel", "Pinnacle", "Quill", "Rowan", "Sable", "Tundra", "Umber", "Wren",
    ]

    static let adjectives = [
        "Classic", "Everyday", "Lightweight", "Heritage", "Urban", "Alpine", "Essential", "Pro", "Coastal", "Summit",
        "Organic", "Recycled", "Compact", "Premium", "Vintage", "Modern",
    ]

    static let materials = ["cotton", "merino wool", "recycled polyester", "leather", "aluminium", "steel", "bamboo"]
}
