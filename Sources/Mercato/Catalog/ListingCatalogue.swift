import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// What a listing filters, sorts and counts, for every active product, held in process under the
/// catalogue version: a few dozen bytes a product (about 10 MB at 100,000 products), read in one
/// statement when the version moves. Products are stored in title order, so a product's position
/// is its rank for the title sort; the newest-first sort is a permutation the database ordered, so
/// titles collate and ties break exactly as in SQL; the price sorts are sorted here, ties broken by
/// id as the database compares uuids.
final class ListingCatalogue: Sendable {
    struct Category: Sendable {
        let slug: String
        let name: String
    }

    let ids: [UUID]
    let positions: [UUID: Int32]
    /// Per position: an index into `categories`, or -1 for a product without a category.
    let categoryCodes: [Int32]
    let categories: [Category]
    let categoryCodeByID: [UUID: Int32]
    let brandCodes: [Int32]
    let brands: [String]
    let brandCodeByName: [String: Int32]
    let prices: [Int64]
    let featured: [Bool]
    /// The option values of position `i` are `optionCodes[optionStarts[i]..<optionStarts[i + 1]]`,
    /// each once: indexes into `options`.
    let optionStarts: [Int32]
    let optionCodes: [Int32]
    let options: [(name: String, value: String)]
    let optionCodeByName: [String: [String: Int32]]
    /// Positions in the order of `created_at DESC, id`, `price_min ASC, id` and `price_min DESC, id`.
    let newest: [Int32]
    let priceAscending: [Int32]
    let priceDescending: [Int32]
    /// Per position, its index in `newest`: how relevance breaks ties between equal ranks.
    let newestRanks: [Int32]
    /// Which positions are in stock, held under the stock counter.
    let stock: VersionedHold<Int, [Bool]>
    /// Recent search words' matches, ranked against this catalogue.
    let textMatches = TextMatchMemo()

    private init(_ built: Builder, maxAge: Duration, patience: Duration?) {
        (ids, positions, categoryCodes, categories) = (
            built.ids, built.positions, built.categoryCodes, built.categories
        )
        (categoryCodeByID, brandCodes, brands) = (built.categoryCodeByID, built.brandCodes, built.brands)
        (brandCodeByName, prices, featured) = (built.brandCodeByName, built.prices, built.featured)
        (newest, priceAscending, priceDescending) = (built.newest, built.priceAscending, built.priceDescending)
        var newestRanks = [Int32](repeating: 0, count: built.newest.count)
        for (rank, position) in built.newest.enumerated() { newestRanks[Int(position)] = Int32(rank) }
        self.newestRanks = newestRanks
        (optionStarts, optionCodes) = (built.optionStarts, built.optionCodes)
        (options, optionCodeByName) = (built.options, built.optionCodeByName)
        stock = VersionedHold(maxAge: maxAge, patience: patience)
    }

    /// Collects the rows of `load` into codes and permutations.
    private struct Builder {
        var ids: [UUID] = []
        var positions: [UUID: Int32] = [:]
        var categoryCodes: [Int32] = []
        var categories: [Category] = []
        var categoryCodeByID: [UUID: Int32] = [:]
        var brandCodes: [Int32] = []
        var brands: [String] = []
        var brandCodeByName: [String: Int32] = [:]
        var prices: [Int64] = []
        var featured: [Bool] = []
        var newest: [Int32] = []
        var priceAscending: [Int32] = []
        var priceDescending: [Int32] = []
        var optionStarts: [Int32] = [0]
        var optionCodes: [Int32] = []
        var options: [(name: String, value: String)] = []
        var optionCodeByName: [String: [String: Int32]] = [:]
        /// Codes by the pair as the load spells it (name, unit separator, value).
        var optionCodeByPair: [Substring: Int32] = [:]

        /// Per position, the 1-based row number of `created_at DESC, id`, until `finish` inverts it.
        var newestRanks: [Int] = []

        /// Inverts the row numbers into the newest-first permutation, checking it is one, and
        /// sorts the two price orders, ties broken by id as the database compares uuids (byte by
        /// byte): cheaper than two more window sorts in the statement.
        mutating func finish() throws {
            newest = try Self.permutation(newestRanks, "r_new")
            newestRanks = []
            let keys = ids.map(Self.orderKey)
            let positions = (0..<Int32(ids.count))
            priceAscending = positions.sorted { lhs, rhs in
                let (left, right) = (prices[Int(lhs)], prices[Int(rhs)])
                return left != right ? left < right : keys[Int(lhs)] < keys[Int(rhs)]
            }
            priceDescending = positions.sorted { lhs, rhs in
                let (left, right) = (prices[Int(lhs)], prices[Int(rhs)])
                return left != right ? left > right : keys[Int(lhs)] < keys[Int(rhs)]
            }
        }

        /// A uuid's bytes as two big-endian words, so tuples compare as the bytes do.
        private static func orderKey(_ id: UUID) -> (UInt64, UInt64) {
            withUnsafeBytes(of: id.uuid) { bytes in
                (
                    UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                    UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                )
            }
        }

        private static func permutation(_ ranks: [Int], _ column: String) throws -> [Int32] {
            var order = [Int32](repeating: -1, count: ranks.count)
            for (position, rank) in ranks.enumerated() {
                guard order.indices.contains(rank - 1), order[rank - 1] < 0 else {
                    throw SQLListingError(message: "\(column) \(rank) is not a row number of 1...\(ranks.count)")
                }
                order[rank - 1] = Int32(position)
            }
            return order
        }

        /// The result columns of `load`, in order.
        static let columns = [
            "id", "category_id", "category_slug", "category_name", "brand", "price_min", "featured", "option_pairs",
            "r_new",
        ]

        mutating func add(product row: PositionalRow) throws {
            let position = Int32(ids.count)
            let id = try row.decode(0, as: UUID.self)
            ids.append(id)
            positions[id] = position
            var categoryCode: Int32 = -1
            if let categoryID = try row.decode(1, as: UUID?.self) {
                if let known = categoryCodeByID[categoryID] {
                    categoryCode = known
                } else {
                    categoryCode = Int32(categories.count)
                    categories.append(Category(slug: try row.decode(2), name: try row.decode(3)))
                    categoryCodeByID[categoryID] = categoryCode
                }
            }
            categoryCodes.append(categoryCode)
            let brand = try row.decode(4, as: String.self)
            if brandCodeByName[brand] == nil {
                brandCodeByName[brand] = Int32(brands.count)
                brands.append(brand)
            }
            brandCodes.append(brandCodeByName[brand] ?? 0)
            prices.append(try row.decode(5))
            featured.append(try row.decode(6))
            try add(optionPairs: try row.decode(7))
            newestRanks.append(try row.decode(8))
        }

        /// The product's option pairs, as `load` aggregates them: pairs separated by the record
        /// separator, name and value by the unit separator, one per variant, kept once each.
        /// Control characters never get into product text (`TextPolicy`), so neither can occur
        /// inside a name or value.
        ///
        /// The text is scanned as bytes: splitting it by `Character` (grapheme breaking for a
        /// million pairs) took most of the load at 100,000 products.
        mutating func add(optionPairs: String?) throws {
            let start = optionCodes.count
            if let optionPairs {
                let bytes = optionPairs.utf8
                var pairStart = bytes.startIndex
                var index = pairStart
                while index != bytes.endIndex {
                    let next = bytes.index(after: index)
                    let separates = bytes[index] == ListingCatalogue.pairSeparator
                    if separates || next == bytes.endIndex {
                        let pair = optionPairs[pairStart..<(separates ? index : next)]
                        let code = try optionCodeByPair[pair] ?? newOption(pair)
                        if !optionCodes[start...].contains(code) { optionCodes.append(code) }
                        pairStart = next
                    }
                    index = next
                }
            }
            optionStarts.append(Int32(optionCodes.count))
        }

        /// The code of a pair first met in this load.
        private mutating func newOption(_ pair: Substring) throws -> Int32 {
            let parts = pair.utf8.split(separator: ListingCatalogue.nameSeparator, omittingEmptySubsequences: false)
            guard parts.count == 2, let name = String(parts[0]), let value = String(parts[1]) else {
                throw SQLListingError(message: "option pair \(pair.debugDescription) is not name and value")
            }
            let code = optionCodeByName[name]?[value] ?? Int32(options.count)
            if code == Int32(options.count) {
                options.append((name, value))
                optionCodeByName[name, default: [:]][value] = code
            }
            optionCodeByPair[pair] = code
            return code
        }
    }

    /// The record and unit separators, as bytes.
    static let pairSeparator: UInt8 = 0x1E
    static let nameSeparator: UInt8 = 0x1F

    /// Reads every active product's listing facts with its option pairs aggregated into one
    /// string: one statement, decoded row by row as rows arrive. At 100,000 products this is
    /// 100,000 rows; reading the million option rows one by one took four times as long, and
    /// holding them decoded at once over 100 MB that the allocator kept. Pairs repeat once per
    /// variant and are kept once here: `DISTINCT` in the statement, and two more window sorts for
    /// the price orders, tripled the database's time (work_mem spills at 100,000 products).
    /// - Parameters:
    ///   - maxAge: how long its in-stock flags may be held under one stock counter.
    ///   - patience: how long a listing waits for newer flags before the older ones answer.
    static func load(from sql: any SQLDatabase, maxAge: Duration, patience: Duration?) async throws -> ListingCatalogue
    {
        let building = NIOLockedValueBox(Builder())
        let (pairs, names) = (String(UnicodeScalar(pairSeparator)), String(UnicodeScalar(nameSeparator)))
        try await sql.streamRows(
            """
            SELECT p.id, p.category_id, c.slug AS category_slug, c.name AS category_name, p.brand, p.price_min,
                p.featured, op.option_pairs, ROW_NUMBER() OVER (ORDER BY p.created_at DESC, p.id) AS r_new
            FROM products p LEFT JOIN categories c ON c.id = p.category_id
            LEFT JOIN (
                SELECT d.product_id, string_agg(d.name || \(bind: names) || d.value, \(bind: pairs)) AS option_pairs
                FROM variant_options d GROUP BY d.product_id
            ) op ON op.product_id = p.id
            WHERE p.status = 'active' ORDER BY p.title ASC, p.id
            """, columns: Builder.columns
        ) { row in try building.withLockedValue { try $0.add(product: row) } }
        let built = try building.withLockedValue { built in
            try built.finish()
            return built
        }
        return ListingCatalogue(built, maxAge: maxAge, patience: patience)
    }

    /// The positions of `matches` in relevance order: best rank first, equal ranks newest first,
    /// as `ProductFilter.order` sorts them. Products this catalogue doesn't hold (made active since
    /// it was loaded) are left out, as listings leave them out until the version moves.
    func ranked(_ matches: TextMatches) -> [Int32] {
        var scored: [(position: Int32, rank: Double)] = []
        scored.reserveCapacity(matches.productIDs.count)
        for (id, rank) in zip(matches.productIDs, matches.ranks) {
            if let position = positions[id] { scored.append((position, rank)) }
        }
        let higherIsBetter = matches.higherRankIsBetter
        scored.sort { lhs, rhs in
            if lhs.rank != rhs.rank { return higherIsBetter ? lhs.rank > rhs.rank : lhs.rank < rhs.rank }
            return newestRanks[Int(lhs.position)] < newestRanks[Int(rhs.position)]
        }
        return scored.map(\.position)
    }

    /// Which positions are in stock now (one statement, listing the few that aren't).
    func loadInStock(from sql: any SQLDatabase) async throws -> [Bool] {
        let rows = try await sql.raw(
            """
            SELECT p.id FROM products p
            WHERE p.status = 'active' AND NOT \(InventoryReadModel.productInStock(product: "p.id"))
            """
        ).all()
        var inStock = [Bool](repeating: true, count: ids.count)
        for row in rows {
            if let position = positions[try row.decode(column: "id", as: UUID.self)] { inStock[Int(position)] = false }
        }
        return inStock
    }
}

/// The database answered the listing load with something it can't have meant.
struct SQLListingError: Error, CustomStringConvertible {
    let message: String
    var description: String { "listing index: \(message)" }
}
