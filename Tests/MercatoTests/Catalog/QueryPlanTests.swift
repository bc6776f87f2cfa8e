import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor

@testable import Mercato

/// The shape that keeps reads flat as the catalogue grows: every statement the product detail,
/// listings (filters, sorts, facets) and search run reaches products, variants, their options,
/// stock and the typo vocabulary through an index. Each statement the catalogue issued is planned the way PostgreSQL plans
/// it for any parameters (a generic plan of the prepared statement) with sequential scans priced
/// out, so a scan that remains has no index to use, and an index read without an index condition
/// is a whole-index walk — whatever the size of the test catalogue.
@Suite(.serialized) struct QueryPlanTests {
    static let hotTables = ["products", "variants", "variant_options", "inventory_levels", "search_terms"]
    static let catalogue = [
        CatalogFixtures.product("Trail Runner", brand: "Acme", category: "shoes", options: [("size", "42")]),
        CatalogFixtures.product("Road Runner", brand: "Zephyr", category: "shoes", options: [("size", "43")]),
        CatalogFixtures.product("Basic Tee", brand: "Acme", category: "t-shirts", price: 1_500, stock: 0),
    ]

    /// Collects the SQL of every statement run through a logger it backs.
    final class StatementLog: LogHandler, @unchecked Sendable {
        private let statements = NIOLockedValueBox<[String]>([])
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            guard case .string(let sql)? = event.metadata?["sql"] else { return }
            statements.withLockedValue { $0.append(sql) }
        }

        var all: [String] { statements.withLockedValue { $0 } }
    }

    /// The generic plan of `sql` with sequential scans priced out.
    static func plan(of statement: String, on database: any Database) async throws -> String {
        let parameters = Set(statement.matches(of: /\$([0-9]+)/).compactMap { Int($0.output.1) }).max() ?? 0
        let arguments =
            parameters == 0 ? "" : "(" + Array(repeating: "NULL", count: parameters).joined(separator: ", ") + ")"
        return try await database.transaction { transaction in
            let sql = try transaction.sql
            try await sql.raw("SET LOCAL enable_seqscan = off").run()
            try await sql.raw("SET LOCAL plan_cache_mode = force_generic_plan").run()
            try await sql.raw("PREPARE planned AS \(unsafeRaw: statement)").run()
            let rows = try await sql.raw("EXPLAIN EXECUTE planned\(unsafeRaw: arguments)").all()
            try await sql.raw("DEALLOCATE planned").run()
            return try rows.map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
        }
    }

    /// An index of a hot table, by name: its table and its leading column.
    struct IndexLead {
        var table: String
        var column: String
    }

    /// The leading column of every plain index on a hot table.
    static func indexLeads(on database: any Database) async throws -> [String: IndexLead] {
        let rows = try await database.sql.raw(
            """
            SELECT i.relname AS index_name, t.relname AS table_name, a.attname AS column_name
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0]
            WHERE t.relname IN (\(binds: hotTables))
            """
        ).all()
        var leads: [String: IndexLead] = [:]
        for row in rows {
            leads[try row.decode(column: "index_name", as: String.self)] = IndexLead(
                table: try row.decode(column: "table_name", as: String.self),
                column: try row.decode(column: "column_name", as: String.self))
        }
        return leads
    }

    /// The plan's reads of the hot tables that don't look rows up by an index: sequential scans,
    /// and index scans whose condition doesn't hold the index's leading column (PostgreSQL then
    /// walks the whole index, which grows with the catalogue like a table scan).
    static func unindexedReads(in plan: String, leads: [String: IndexLead]) -> [String] {
        let lines = plan.split(separator: "\n").map(String.init)
        var found: [String] = []
        for (number, line) in lines.enumerated() {
            if line.contains("Seq Scan"), hotTables.contains(where: { line.contains(" on \($0) ") }) {
                found.append(line)
                continue
            }
            guard line.contains("Index Scan") || line.contains("Index Only Scan"),
                let (name, lead) = leads.first(where: { line.contains(" \($0.key) ") || line.hasSuffix(" \($0.key)") })
            else { continue }
            // The node's own details are the lines after it, up to the next node.
            let details = lines.dropFirst(number + 1).prefix {
                !$0.trimmingCharacters(in: .whitespaces).hasPrefix("->")
            }
            // A nearest-first walk (`Order By: term <-> …`, typo candidates) reads only what it returns.
            let condition = details.first { $0.contains("Index Cond:") || $0.contains("Order By:") } ?? ""
            if !condition.contains(lead.column) { found.append("\(line) [\(name) leads with \(lead.column)]") }
        }
        return found
    }

    @Test(.enabled(if: TestServices.postgresEnabled))
    func productDetailListingsFacetsAndSearchUseIndexes() async throws {
        try await CatalogFixtures.withCatalog(on: .postgres, Self.catalogue) { app in
            // setup: the catalogue read through a logger that keeps every statement
            let log = StatementLog()
            app.logger = Logger(label: "statements") { _ in log }
            let catalog = CatalogService(database: app.db, search: app.searchEngine, storage: app.objectStorage)
            // act: what product pages, category pages and search pages ask for
            _ = try await catalog.product(slug: "trail-runner")
            _ = try await catalog.variants(slug: "trail-runner")
            for parameters in [
                ["category": "shoes", "facets": "true"],
                ["category": "shoes", "sort": "price_asc", "brand": "Acme", "inStock": "true", "facets": "true"],
                [
                    "options": "size:42,size:43", "minPrice": "100", "maxPrice": "9000", "sort": "title",
                    "facets": "true",
                ],
                ["q": "runner", "facets": "true"], ["q": "runnre", "featured": "true"],
            ] {
                _ = try await catalog.list(try CatalogQuery(parameters: parameters))
            }
            _ = try await catalog.suggestions(for: "run")
            // the text matches a cached catalogue's search reads from the engine
            _ = try await DatabaseSearchEngine().matches(["runner"], on: app.db)
            app.logger = Logger(label: "tests")
            // verify
            let statements = log.all.filter { statement in
                ["SELECT", "WITH"].contains { statement.uppercased().hasPrefix($0) }
            }
            #expect(statements.count >= 10)
            let leads = try await Self.indexLeads(on: app.db)
            for statement in statements {
                let plan = try await Self.plan(of: statement, on: app.db)
                #expect(Self.unindexedReads(in: plan, leads: leads).isEmpty, "\(statement)\n\(plan)")
            }
        }
    }
}
