import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// The hostile corpus through every text field the OpenAPI document gives the Store and Admin APIs
/// (JSON bodies and query strings), found by walking the served document rather than listed by
/// hand, so a new field is covered the day it is documented. On SQLite and on PostgreSQL, every
/// probe is a 400 naming its field, and nothing is stored.
@Suite(.serialized) struct HostileCorpusTests {
    static let catalogue = [CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30)]
    /// NUL (PostgreSQL refuses it), C0, DEL and C1 controls, bidi overrides and isolates.
    static let corpus = [
        "a\u{0}b", "\u{1B}[31mred", "a\u{7F}", "a\u{85}b", "a\u{9B}b", "\u{202E}gnp.exe", "\u{2066}x",
        "x\u{200F}\u{202D}",
    ]

    /// Where a probe goes and what it must be refused for.
    struct Probe: CustomStringConvertible {
        var method: HTTPMethod
        var path: String
        var field: String
        var body: ByteBuffer?
        var description: String { "\(method) \(path) [\(field)]" }
    }

    /// Every string property of `schema`, as JSON key paths (`["shippingAddress", "line1"]`;
    /// `"[]"` for an array element), `$ref`s and `allOf` followed.
    static func stringFields(_ schema: JSONValue, in spec: OpenAPISpec, depth: Int = 0) -> [[String]] {
        let schema = spec.resolved(schema)
        guard depth < 6 else { return [] }
        if let parts = schema["allOf"]?.array {
            return parts.flatMap { stringFields($0, in: spec, depth: depth + 1) }
        }
        let type = schema["type"]?.string ?? (schema["properties"] != nil ? "object" : nil)
        switch type {
        case "string": return [[]]
        case "array":
            return (schema["items"].map { stringFields($0, in: spec, depth: depth + 1) } ?? []).map { ["[]"] + $0 }
        case "object":
            return (schema["properties"]?.object ?? [:]).sorted { $0.key < $1.key }.flatMap { key, property in
                stringFields(property, in: spec, depth: depth + 1).map { [key] + $0 }
            }
        default: return []
        }
    }

    /// A body holding only `text` at `field`: the policy refuses it before anything else is read.
    static func body(_ field: [String], _ text: String) -> Any {
        guard let first = field.first else { return text }
        let inner = body(Array(field.dropFirst()), text)
        return first == "[]" ? [inner] : [first: inner]
    }

    /// The JSON path the refusal must name: `shippingAddress.line1`, `lines[0].sku`.
    static func name(_ field: [String]) -> String {
        field.reduce("") { path, key in key == "[]" ? path + "[0]" : (path.isEmpty ? key : path + "." + key) }
    }

    /// Every probe the document allows: each string field of each JSON body, each string query
    /// parameter, with the path's parameters filled by real ids so nothing but the text can fail.
    static func probes(_ spec: OpenAPISpec, text: String, fill: (String) -> String) throws -> [Probe] {
        var probes: [Probe] = []
        for (template, item) in (spec.document["paths"]?.object ?? [:]).sorted(by: { $0.key < $1.key })
        where template.hasPrefix("/api/v1/") && !template.hasPrefix("/api/v1/webhooks/") {
            let path = fill(template)
            for method in OpenAPISpec.methods {
                guard let operation = item[method] else { continue }
                let verb = HTTPMethod(rawValue: method.uppercased())
                if let schema = operation["requestBody"]?["content"]?["application/json"]?["schema"] {
                    for field in stringFields(schema, in: spec) where !field.isEmpty {
                        let data = try JSONSerialization.data(withJSONObject: body(field, text))
                        probes.append(
                            Probe(method: verb, path: path, field: name(field), body: ByteBuffer(bytes: Array(data))))
                    }
                }
                for (parameter, definition) in spec.parameters(method, template, in: "query")
                where spec.resolved(definition["schema"] ?? .null)["type"]?.string == "string" {
                    let value = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                    probes.append(
                        Probe(method: verb, path: path + "?\(parameter)=\(value)", field: parameter, body: nil))
                }
            }
        }
        return probes
    }

    @Test(arguments: DatabaseBackend.available)
    func everyDocumentedTextFieldRefusesTheCorpus(on backend: DatabaseBackend) async throws {
        try await CommerceFixtures.withShop(on: backend, Self.catalogue) { app in
            // setup: a cart, an order and a customer, so every path resolves to something real
            let spec = try await OpenAPISpec.fetch(from: app)
            let checkedOut = try await CommerceFixtures.createCart(app)
            _ = try await CommerceFixtures.add(app, checkedOut, sku: "SKU-basic-tee", quantity: 1)
            let order = try #require(try await CommerceFixtures.checkout(app, checkedOut).order)
            let cart = try await CommerceFixtures.createCart(app)
            _ = try await CommerceFixtures.add(app, cart, sku: "SKU-basic-tee", quantity: 1)
            let customer = try await app.customers.register(
                email: "corpus@example.com", password: "long-enough-1", name: "Corpus")
            let session = try await app.customers.openSession(kind: .api, customerID: customer.requireID()).token
            let tee = try #require(try await Variant.query(on: app.db).filter(\.$sku == "SKU-basic-tee").first())
            let teeID = try tee.requireID()
            let before = try await counts(app)
            func fill(_ template: String) -> String {
                template.replacingOccurrences(of: "/carts/{id}", with: "/carts/\(cart.id)")
                    .replacingOccurrences(of: "/orders/{id}", with: "/orders/\(order.id)")
                    .replacingOccurrences(of: "{sku}", with: "SKU-basic-tee")
                    .replacingOccurrences(of: "{slug}", with: "basic-tee")
                    .replacingOccurrences(of: "{variantId}", with: teeID.uuidString)
                    .replacingOccurrences(of: "{id}", with: UUID().uuidString)
                    .replacingOccurrences(of: "{paymentID}", with: "pi_corpus")
            }
            var seen = 0
            for text in Self.corpus {
                for probe in try Self.probes(spec, text: text, fill: fill) {
                    // act
                    var headers: HTTPHeaders = [
                        CartRoutes.tokenHeader: cart.token, OrderRoutes.tokenHeader: order.token ?? "",
                        "Content-Type": "application/json",
                    ]
                    let bearer = probe.path.hasPrefix("/api/v1/admin/") ? "mk_test-owner-key" : session
                    if probe.path.hasPrefix("/api/v1/admin/") || probe.path.hasPrefix("/api/v1/me") {
                        headers.bearerAuthorization = .init(token: bearer)
                    }
                    var outcome: (HTTPStatus, String) = (.internalServerError, "")
                    try await app.testing().test(probe.method, probe.path, headers: headers, body: probe.body) {
                        outcome = ($0.status, $0.body.string)
                    }
                    seen += 1
                    // verify
                    #expect(outcome.0 == .badRequest, "\(probe) with \(text.debugDescription): \(outcome.1)")
                    #expect(outcome.1.contains(probe.field), "\(probe): \(outcome.1)")
                }
            }
            #expect(try await counts(app) == before)
            // The document really was walked: bodies of the Store and Admin APIs and query strings.
            #expect(seen >= Self.corpus.count * 40, "only \(seen) probes")
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func bodiesThatAreNotUTF8AreRefused(on backend: DatabaseBackend) async throws {
        try await CommerceFixtures.withShop(on: backend, Self.catalogue) { app in
            // setup: a name whose bytes are not UTF-8 (a lead byte without its continuation)
            var body = ByteBuffer(string: #"{"email":"ana@example.com","password":"long-enough-1","name":"A"#)
            body.writeBytes([0xC3, 0x28])
            body.writeString(#""}"#)
            // act
            var outcome: (HTTPStatus, String) = (.internalServerError, "")
            try await app.testing().test(
                .POST, "/api/v1/customers", headers: ["Content-Type": "application/json"], body: body
            ) { outcome = ($0.status, $0.body.string) }
            // verify
            #expect(outcome.0 == .badRequest, "\(outcome.1)")
            #expect(try await Customer.query(on: app.db).count() == 0)
        }
    }

    private func counts(_ app: Application) async throws -> [Int] {
        [
            try await Customer.query(on: app.db).count(), try await CustomerAddress.query(on: app.db).count(),
            try await CartItem.query(on: app.db).count(), try await Order.query(on: app.db).count(),
            try await Coupon.query(on: app.db).count(), try await ShippingMethod.query(on: app.db).count(),
            try await TaxRate.query(on: app.db).count(), try await OrderTransition.query(on: app.db).count(),
        ]
    }
}
