import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// The document itself: served as written and as JSON, converted faithfully, and closed schemas.
@Suite struct OpenAPIDocumentTests {
    static var yamlFile: URL {
        TestSupport.repositoryRoot.appendingPathComponent("Resources/OpenAPI/openapi.yaml")
    }

    @Test func servedAsYAMLAndJSONWithETags() async throws {
        try await TestSupport.withApp(role: .api) { app in
            let yaml = try await app.get("/api/openapi.yaml")
            #expect(yaml.status == .ok)
            #expect(yaml.headers.first(name: .contentType) == "application/yaml")
            let file = try Data(contentsOf: Self.yamlFile)
            #expect(Data(yaml.body.readableBytesView) == file)
            let etag = try #require(yaml.headers.first(name: .eTag))
            #expect(yaml.headers.first(name: .cacheControl) == "public, max-age=300")
            let cached = try await app.get("/api/openapi.yaml", headers: ["If-None-Match": etag])
            #expect(cached.status == .notModified)
            #expect(cached.body.readableBytes == 0)

            let json = try await app.get("/api/openapi.json")
            #expect(json.status == .ok)
            #expect(json.headers.contentType == .json)
            #expect(json.headers.first(name: .eTag) != etag)
            let document = try JSONValue.decode(Data(json.body.readableBytesView))
            #expect(document["openapi"] == .string("3.1.0"))
            #expect(document["components"]?["parameters"]?["PageSize"]?["schema"]?["maximum"] == .integer(100))
            #expect(document["components"]?["parameters"]?["Slug"]?["required"] == .bool(true))
            #expect(document["paths"]?["/api/v1/products"]?["get"]?["responses"]?["200"] != nil)
        }
    }

    @Test func otherRolesDoNotServeIt() async throws {
        try await TestSupport.withApp(role: .storefront) { app in
            let response = try await app.get("/api/openapi.json")
            #expect(response.status == .notFound)
        }
    }

    @Test func conversionKeepsTypesKeyOrderAndEscapes() throws {
        let document = try OpenAPIDocument(
            yaml: """
                openapi: 3.1.0
                b: 1
                a: [true, null, 2.5, "x\\"y", '200', 10000000000]
                200: ok
                c: "line\\nbreak \\t é \\u0001"
                """)
        let json = String(decoding: document.json, as: UTF8.self)
        #expect(
            json
                == #"{"openapi":"3.1.0","b":1,"a":[true,null,2.5,"x\"y","200",10000000000],"200":"ok","c":"line\nbreak \t é \u0001"}"#
        )
        let parsed = try JSONValue.decode(document.json)
        #expect(parsed["a"]?.array?.first == .bool(true))
    }

    @Test func aliasesExpandAndMalformedOrMissingDocumentsStopTheStart() throws {
        let aliased = try OpenAPIDocument(yaml: "a: &x {k: 1}\nb: *x\n")
        #expect(String(decoding: aliased.json, as: UTF8.self) == #"{"a":{"k":1},"b":{"k":1}}"#)
        #expect(throws: (any Error).self) { try OpenAPIDocument(yaml: "a: [1,\n") }
        #expect(throws: OpenAPIDocumentError.self) { try OpenAPIDocument(yaml: "- just\n- a list\n") }
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            _ = try OpenAPIDocument.load(resourcesDirectory: directory.path)
            Issue.record("a missing document loaded")
        } catch let error as OpenAPIDocumentError {
            #expect(error.description.contains("OpenAPI/openapi.yaml not found"))
        }
    }

    /// "Exactly the keys the schema allows" needs every object schema to be closed.
    @Test func everyObjectSchemaIsClosedAndDeclaresItsRequiredKeys() async throws {
        try await TestSupport.withApp(role: .api) { app in
            let spec = try await OpenAPISpec.fetch(from: app)
            let schemas = try #require(spec.document["components"]?["schemas"]?.object)
            var open: [String] = []
            var undeclared: [String] = []
            func visit(_ schema: JSONValue, _ name: String) {
                if schema["properties"] != nil, schema["additionalProperties"] != .bool(false) { open.append(name) }
                // A required key missing from `properties` would be a key some validators let through.
                for key in schema["required"]?.array?.compactMap(\.string) ?? []
                where schema["properties"] != nil && schema["properties"]?[key] == nil {
                    undeclared.append("\(name).\(key)")
                }
                for (key, property) in schema["properties"]?.object ?? [:] { visit(property, "\(name).\(key)") }
                if let items = schema["items"] { visit(items, "\(name)[]") }
            }
            for (name, schema) in schemas { visit(schema, name) }
            #expect(open.isEmpty, "schemas that allow undocumented keys: \(open.sorted())")
            #expect(undeclared.isEmpty, "required but not declared: \(undeclared.sorted())")
        }
    }
}
