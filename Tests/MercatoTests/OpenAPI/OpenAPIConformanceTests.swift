import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Proves the OpenAPI document describes what the server does: the same routes, the same query
/// parameters with the same limits, and responses with exactly the documented keys and types.
@Suite(.serialized) struct OpenAPIConformanceTests {
    /// Enough variety that every optional field appears somewhere: a price range, compare-at
    /// prices, an image, attributes, a product without a category, every stock state, and a
    /// product in the open-ended top price band.
    static var catalogue: [NewProduct] {
        var sneakers = CatalogFixtures.product(
            "Court Sneakers", category: "sneakers", price: 7_500, stock: 3, options: [("size", "41")],
            createdAt: Date(timeIntervalSince1970: 1_770_000_100))
        sneakers.attributesJSON = #"{"material":"leather"}"#
        sneakers.variants[0].compareAt = 9_000
        var larger = sneakers.variants[0]
        larger.id = UUID()
        larger.sku = "SKU-court-sneakers-42"
        larger.title = "42"
        larger.options = [(name: "size", value: "42")]
        larger.price = 8_000
        larger.compareAt = nil
        larger.onHand = 20
        sneakers.variants.append(larger)
        return [
            sneakers,
            CatalogFixtures.product(
                "Chelsea Boots", brand: "Northwind", category: "boots", price: 12_500, stock: 0,
                options: [("size", "43")], createdAt: Date(timeIntervalSince1970: 1_770_000_200)),
            CatalogFixtures.product(
                "Basic Tee", category: "t-shirts", price: 1_500, stock: 30, options: [("size", "M")],
                createdAt: Date(timeIntervalSince1970: 1_770_000_300)),
            CatalogFixtures.product(
                "Gift Card", category: "none", price: 60_000, stock: 100, options: [("value", "600")],
                createdAt: Date(timeIntervalSince1970: 1_770_000_400)),
        ]
    }

    private func withCatalog(_ body: (Application) async throws -> Void) async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            let product = try #require(
                try await app.db.sql.raw("SELECT id FROM products WHERE slug = 'court-sneakers'").first()?.decode(
                    column: "id", as: UUID.self))
            try await app.db.sql.insert(into: "product_images")
                .columns(
                    "id", "product_id", "storage_key", "content_type", "alt", "position", "byte_size", "created_at"
                )
                .values(
                    SQLBind(UUID()), SQLBind(product), SQLBind("products/court-sneakers.svg"),
                    SQLBind("image/svg+xml"), SQLBind("Court Sneakers"), SQLBind(0), SQLBind(100), SQLBind(Date())
                )
                .run()
            try await body(app)
        }
    }

    // MARK: Routes

    @Test func everyAPIRouteIsDocumentedAndEveryOperationIsServed() async throws {
        try await TestSupport.withApp(role: .api) { app in
            let spec = try await OpenAPISpec.fetch(from: app)
            let served = Set(
                app.routes.all.map { route in
                    let path = route.path.map { component -> String in
                        switch component {
                        case .constant(let name): name
                        case .parameter(let name): "{\(name)}"
                        case .anything: "*"
                        case .catchall: "**"
                        }
                    }
                    return "\(route.method.rawValue) /" + path.joined(separator: "/")
                })
            let documented = spec.operations
            let servedAPI = served.filter { $0.split(separator: " ")[1].hasPrefix("/api/") }
            #expect(servedAPI == documented.filter { $0.split(separator: " ")[1].hasPrefix("/api/") })
            #expect(
                documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served))")
            for probe in ["GET /health/live", "GET /health/ready", "GET /version"] {
                #expect(documented.contains(probe))
            }
        }
    }

    // MARK: Query parameters

    /// What the server reads, taken from the code that reads it: `parameters["name"]`.
    private static func parametersRead(in file: String) throws -> Set<String> {
        let source = try String(
            contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Sources/Mercato/Catalog/\(file)"),
            encoding: .utf8)
        let pattern = try Regex(#"parameters\["([A-Za-z]+)"\]"#)
        return Set(source.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) })
    }

    @Test func documentedQueryParametersAreExactlyTheOnesTheServerReads() async throws {
        try await TestSupport.withApp(role: .api) { app in
            let spec = try await OpenAPISpec.fetch(from: app)
            let catalogQuery = try Self.parametersRead(in: "CatalogQuery.swift")
            #expect(catalogQuery.count == 12)  // a guard against the source scan silently finding nothing
            for path in ["/api/v1/products", "/api/v1/search"] {
                let documented = Set(spec.parameters("GET", path, in: "query").keys)
                #expect(documented == catalogQuery, "\(path)")
            }
            let suggestions = Set(spec.parameters("GET", "/api/v1/search/suggestions", in: "query").keys)
            #expect(suggestions == (try Self.parametersRead(in: "CatalogRoutes.swift")))
            #expect(suggestions == ["q", "limit"])
            for path in ["/api/v1/products/{slug}", "/api/v1/products/{slug}/variants", "/api/v1/categories"] {
                #expect(spec.parameters("GET", path, in: "query").isEmpty, "\(path)")
            }
            for path in ["/api/v1/products/{slug}", "/api/v1/products/{slug}/variants"] {
                #expect(Set(spec.parameters("GET", path, in: "path").keys) == ["slug"])
            }
        }
    }

    private enum Outcome: CustomStringConvertible {
        case accepted
        case rejected
        case notFound
        /// Accepted, and the filter changes how many products match.
        case total(Int64)

        var description: String {
            switch self {
            case .accepted: "200"
            case .rejected: "400"
            case .notFound: "404"
            case .total(let total): "200 with total \(total)"
            }
        }
    }

    /// Values at and beyond each documented limit, derived from the document; parameters without
    /// a limit to probe get hand-picked values whose effect shows the server reads them.
    private static func probes(for name: String, schema: JSONValue) -> [(String, Outcome)]? {
        switch (schema["type"]?.string, name) {
        case ("integer", _):
            var probes: [(String, Outcome)] = [("1.5", .rejected), ("ten", .rejected)]
            if let minimum = schema["minimum"]?.integer {
                probes += [("\(minimum)", .accepted), ("\(minimum - 1)", .rejected)]
            }
            if let maximum = schema["maximum"]?.integer {
                probes += [("\(maximum)", .accepted), ("\(maximum + 1)", .rejected)]
            }
            return probes
        case ("boolean", _):
            return [("true", .accepted), ("false", .accepted), ("maybe", .rejected)]
        case ("string", _) where schema["enum"] != nil:
            return (schema["enum"]?.array ?? []).compactMap(\.string).map { ($0, .accepted) } + [
                ("cheapest", .rejected)
            ]
        case ("string", "q"):
            guard let maximum = schema["maxLength"]?.integer else { return nil }
            return [
                (String(repeating: "a", count: Int(maximum)), .accepted),
                (String(repeating: "a", count: Int(maximum) + 1), .rejected),
                // JSON Schema counts Unicode scalars: one character with many combining marks is long.
                ("a" + String(repeating: "\u{301}", count: Int(maximum)), .rejected),
                (String(repeating: "e\u{301}", count: Int(maximum) / 2), .accepted),
            ]
        case ("string", "category"): return [("shoes", .total(2)), ("no-such-category", .notFound)]
        case ("string", "brand"):
            return [("Northwind", .total(1)), ("Northwind,Acme", .total(4)), ("Nobody", .total(0))]
        case ("string", "options"): return [("size:41", .total(1)), ("size:41,size:M", .total(2)), ("size", .rejected)]
        default: return nil
        }
    }

    @Test func everyDocumentedLimitIsTheServersLimit() async throws {
        try await withCatalog { app in
            var spec = try await OpenAPISpec.fetch(from: app)
            for path in ["/api/v1/products", "/api/v1/search", "/api/v1/search/suggestions"] {
                for (name, parameter) in spec.parameters("GET", path, in: "query").sorted(by: { $0.key < $1.key }) {
                    let schema = try #require(parameter["schema"])
                    guard let probes = Self.probes(for: name, schema: schema) else {
                        Issue.record("\(path): no probe for documented parameter \(name)")
                        continue
                    }
                    for (value, outcome) in probes {
                        let encoded = try #require(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
                        let url = "\(path)?\(name)=\(encoded)"
                        let response = try await app.get(url)
                        let body = try spec.check(response, path: url)
                        let context = "\(url.prefix(120)) → \(response.status.code), expected \(outcome)"
                        switch outcome {
                        case .accepted:
                            #expect(response.status == .ok, "\(context)")
                        case .rejected:
                            #expect(response.status == .badRequest, "\(context)")
                            #expect(body?["error"]?["code"]?.string == "invalid_parameter", "\(context)")
                            #expect(body?["error"]?["message"]?.string?.hasPrefix("\(name):") == true, "\(context)")
                        case .notFound:
                            #expect(response.status == .notFound, "\(context)")
                            #expect(body?["error"]?["code"]?.string == "not_found", "\(context)")
                        case .total(let total):
                            #expect(response.status == .ok, "\(context)")
                            #expect(body?["total"]?.integer == total, "\(context)")
                        }
                    }
                }
            }
        }
    }

    // MARK: Responses

    @Test func responsesHaveExactlyTheDocumentedShape() async throws {
        try await withCatalog { app in
            var spec = try await OpenAPISpec.fetch(from: app)

            let plain = try await app.get("/api/v1/products")
            let listing = try spec.check(plain, path: "/api/v1/products")
            #expect(listing?["facets"] == nil)
            #expect(listing?["total"] == .integer(4))
            let withFacets = try spec.check(
                try await app.get("/api/v1/products?facets=true&pageSize=2&sort=price_desc"),
                path: "/api/v1/products")
            #expect(withFacets?["facets"]?["priceBands"]?.array?.isEmpty == false)

            let search = try spec.check(try await app.get("/api/v1/search?q=sneakers"), path: "/api/v1/search")
            #expect(search?["items"]?.array?.count == 1)
            #expect(search?["facets"] != nil)
            let filtered = try spec.check(
                try await app.get(
                    "/api/v1/search?category=shoes&brand=Acme,Northwind&options=size:41,size:43&inStock=true"
                        + "&minPrice=0&maxPrice=100000&sort=price_asc&page=1&pageSize=10"),
                path: "/api/v1/search")
            #expect(filtered?["total"] == .integer(1))
            let corrected = try spec.check(try await app.get("/api/v1/search?q=sneakres"), path: "/api/v1/search")
            #expect(corrected?["correctedQuery"] == .string("sneakers"))

            let detail = try spec.check(
                try await app.get("/api/v1/products/court-sneakers"), path: "/api/v1/products/court-sneakers")
            #expect(detail?["priceMax"] != nil)
            #expect(detail?["images"]?.array?.count == 1)
            let uncategorised = try spec.check(
                try await app.get("/api/v1/products/gift-card"), path: "/api/v1/products/gift-card")
            #expect(uncategorised?["category"] == nil)
            for slug in ["court-sneakers", "chelsea-boots"] {
                let path = "/api/v1/products/\(slug)/variants"
                let variants = try spec.check(try await app.get(path), path: path)?["variants"]
                #expect(variants?.array?.isEmpty == false)
            }
            try spec.check(try await app.get("/api/v1/categories"), path: "/api/v1/categories")
            let suggestions = try spec.check(
                try await app.get("/api/v1/search/suggestions?q=sne&limit=5"), path: "/api/v1/search/suggestions")
            #expect(suggestions?["suggestions"]?.array?.count == 1)
            try spec.check(try await app.get("/api/v1/search/suggestions"), path: "/api/v1/search/suggestions")

            // Conditional requests: 304 with the validators and no body.
            let etag = try #require(
                try await app.get("/api/v1/products/court-sneakers").headers.first(name: .eTag))
            let notModified = try await app.get("/api/v1/products/court-sneakers", headers: ["If-None-Match": etag])
            #expect(notModified.status == .notModified)
            try spec.check(notModified, path: "/api/v1/products/court-sneakers")

            // Client errors.
            for path in [
                "/api/v1/products?pageSize=0", "/api/v1/search?sort=cheapest", "/api/v1/search/suggestions?limit=99",
            ] {
                let response = try await app.get(path)
                #expect(response.status == .badRequest)
                try spec.check(response, path: path)
            }
            let badID = try await app.get("/api/v1/categories", headers: ["X-Request-ID": "not valid!"])
            #expect(badID.status == .badRequest)
            let badIDBody = try spec.check(badID, path: "/api/v1/categories")
            #expect(badIDBody?["error"]?["code"] == .string("invalid_request_id"))
            let goodID = try await app.get("/api/v1/categories", headers: ["X-Request-ID": "trace-1.2:3_x"])
            #expect(goodID.headers.first(name: "X-Request-ID") == "trace-1.2:3_x")
            for path in [
                "/api/v1/products/no-such-product", "/api/v1/products/no-such-product/variants",
                "/api/v1/products?category=no-such-category", "/api/v1/search?category=no-such-category",
            ] {
                let response = try await app.get(path)
                #expect(response.status == .notFound)
                try spec.check(response, path: path)
            }

            // Admin: the job queue, with a dead and a running job so every field is sent.
            try await JobQueue.enqueue(JobKind("test.unhandled"), payload: ["n": 1], on: app.db)
            try await app.jobs.runDueJobs()
            try await JobQueue.enqueue(JobKind("test.unhandled"), payload: ["n": 2], on: app.db)
            _ = try await JobQueue.claim(
                limit: 1, worker: "conformance", leaseUntil: Date().addingTimeInterval(60), on: app.db)
            for status in ["dead", "running"] {
                let path = "/api/v1/admin/jobs?status=\(status)"
                let response = try await app.get(path, headers: ["Authorization": "Bearer mk_test-owner-key"])
                #expect(response.status == .ok)
                let listed = try spec.check(response, path: path)
                #expect(listed?["jobs"]?.array?.count == 1)
            }

            // Operations.
            for path in ["/health/live", "/health/ready", "/version", "/api/openapi.json", "/api/openapi.yaml"] {
                let response = try await app.get(path)
                #expect(response.status == .ok)
                try spec.check(response, path: path)
            }

            // Server errors: the documented shape, and nothing about the cause.
            try await app.db.sql.raw("DROP TABLE product_images").run()
            // Past the catalogue cache, which would otherwise answer from the earlier requests.
            for path in ["/api/v1/products?pageSize=7", "/api/v1/search?q=court&pageSize=7"] {
                let response = try await app.get(path)
                #expect(response.status == .internalServerError)
                let body = try spec.check(response, path: path)
                #expect(body?["error"]?["code"] == .string("internal_error"))
                #expect(body?["error"]?["message"]?.string?.contains("product_images") == false)
            }

            // Every documented field was sent by the server at least once: no field is misspelled
            // or documented without existing.
            // Schemas of the operations this test checked; the commerce side has its own test.
            let documented = spec.documentedProperties(
                of: spec.schemasReachable(fromResponsesOf: spec.checkedOperations))
            #expect(documented.contains("ProductDetail.images"))  // a guard against the walk finding nothing
            let unseen = documented.subtracting(spec.validator.seenProperties).subtracting([
                "DependencyHealth.message"  // only sent while a dependency is down
            ])
            #expect(unseen.isEmpty, "documented but never sent: \(unseen.sorted())")
        }
    }
}
