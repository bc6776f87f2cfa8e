import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// What a listing filters, sorts and counts, for every active product, held in process under the
/// catalogue version: a few dozen bytes a product (about 10 MB at 100,000 products), read in three
/// statements when the version moves. Products are stored in title order, so a product's position
/// is its rank for the title sort; the other sorts are permutations of positions that the database
/// ordered, so ties (and the collation of titles) break exactly as in SQL.
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

    private init(_ built: Builder, maxAge: Duration) {
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
        stock = VersionedHold(maxAge: maxAge)
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

        /// Per position, the 1-based row numbers of the three orders, until `finish` inverts them.
        var ranks: (newest: [Int], up: [Int], down: [Int]) = ([], [], [])

        /// Inverts the row numbers into the three permutations, checking each is one.
        mutating func finish() throws {
            newest = try Self.permutation(ranks.newest, "r_new")
            priceAscending = try Self.permutation(ranks.up, "r_up")
            priceDescending = try Self.permutation(ranks.down, "r_down")
            ranks = ([], [], [])
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

        mutating func add(product row: any SQLRow) throws {
            let position = Int32(ids.count)
            let id = try row.decode(column: "id", as: UUID.self)
            ids.append(id)
            positions[id] = position
            var categoryCode: Int32 = -1
            if let categoryID = try row.decode(column: "category_id", as: UUID?.self) {
                if let known = categoryCodeByID[categoryID] {
                    categoryCode = known
                } else {
                    categoryCode = Int32(categories.count)
                    categories.append(
                        Category(
                            slug: try row.decode(column: "category_slug", as: String.self),
                            name: try row.decode(column: "category_name", as: String.self)))
                    categoryCodeByID[categoryID] = categoryCode
                }
            }
            categoryCodes.append(categoryCode)
            let brand = try row.decode(column: "brand", as: String.self)
            if brandCodeByName[brand] == nil {
                brandCodeByName[brand] = Int32(brands.count)
                brands.append(brand)
            }
            brandCodes.append(brandCodeByName[brand] ?? 0)
            prices.append(try row.decode(column: "price_min", as: Int64.self))
            featured.append(try row.decode(column: "featured", as: Bool.self))
            ranks.newest.append(try row.decode(column: "r_new", as: Int.self))
            ranks.up.append(try row.decode(column: "r_up", as: Int.self))
            ranks.down.append(try row.decode(column: "r_down", as: Int.self))
            try add(optionPairs: try row.decode(column: "option_pairs", as: String?.self))
        }

        /// The product's distinct option pairs, as `load` aggregates them: pairs separated by the
        /// record separator, name and value by the unit separator. Control characters never get
        /// into product text (`TextPolicy`), so neither can occur inside a name or value.
        mutating func add(optionPairs: String?) throws {
            for pair in (optionPairs ?? "").split(separator: ListingCatalogue.pairSeparator) {
                if let known = optionCodeByPair[pair] {
                    optionCodes.append(known)
                    continue
                }
                let parts = pair.split(separator: ListingCatalogue.nameSeparator, omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw SQLListingError(message: "option pair \(pair.debugDescription) is not name and value")
                }
                let (name, value) = (String(parts[0]), String(parts[1]))
                let code = optionCodeByName[name]?[value] ?? Int32(options.count)
                if code == Int32(options.count) {
                    options.append((name, value))
                    optionCodeByName[name, default: [:]][value] = code
                }
                optionCodeByPair[pair] = code
                optionCodes.append(code)
            }
            optionStarts.append(Int32(optionCodes.count))
        }
    }

    static let pairSeparator: Character = "\u{1E}"
    static let nameSeparator: Character = "\u{1F}"

    /// Reads every active product's listing facts with its distinct option pairs aggregated into
    /// one string: one statement, decoded row by row as rows arrive. At 100,000 products this is
    /// 100,000 rows; reading the half million option rows one by one took four times as long, and
    /// holding them decoded at once over 100 MB that the allocator kept.
    static func load(from sql: any SQLDatabase, maxAge: Duration) async throws -> ListingCatalogue {
        let building = NIOLockedValueBox((built: Builder(), error: (any Error)?.none))
        let collect = { @Sendable (add: (inout Builder) throws -> Void) in
            building.withLockedValue { state in
                guard state.error == nil else { return }
                do { try add(&state.built) } catch { state.error = error }
            }
        }
        let (pairs, names) = (String(pairSeparator), String(nameSeparator))
        try await sql.raw(
            """
            SELECT p.id, p.category_id, c.slug AS category_slug, c.name AS category_name, p.brand, p.price_min,
                p.featured, op.option_pairs,
                ROW_NUMBER() OVER (ORDER BY p.created_at DESC, p.id) AS r_new,
                ROW_NUMBER() OVER (ORDER BY p.price_min ASC, p.id) AS r_up,
                ROW_NUMBER() OVER (ORDER BY p.price_min DESC, p.id) AS r_down
            FROM products p LEFT JOIN categories c ON c.id = p.category_id
            LEFT JOIN (
                SELECT d.product_id, string_agg(d.name || \(bind: names) || d.value, \(bind: pairs)) AS option_pairs
                FROM (SELECT DISTINCT product_id, name, value FROM variant_options) d GROUP BY d.product_id
            ) op ON op.product_id = p.id
            WHERE p.status = 'active' ORDER BY p.title ASC, p.id
            """
        ).run { row in collect { try $0.add(product: row) } }
        collect { try $0.finish() }
        let (built, error) = building.withLockedValue { $0 }
        if let error { throw error }
        return ListingCatalogue(built, maxAge: maxAge)
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
