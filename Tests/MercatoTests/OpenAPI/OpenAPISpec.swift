import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Read access to the served OpenAPI document for tests: operations, parameters, responses, and
/// checking a real response against what the document promises for it.
struct OpenAPISpec {
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    let document: JSONValue
    var validator: SchemaValidator
    /// `GET /api/v1/products/{slug}`, … for every operation a response was checked for.
    private(set) var checkedOperations: Set<String> = []

    init(document: JSONValue) {
        self.document = document
        self.validator = SchemaValidator(document: document)
    }

    /// Fetches `/api/openapi.json` from the app, so the tests check what is served.
    static func fetch(from app: Application) async throws -> OpenAPISpec {
        var body: Data?
        try await app.testing().test(.GET, "/api/openapi.json") { response in
            #expect(response.status == .ok)
            body = Data(response.body.readableBytesView)
        }
        return OpenAPISpec(document: try JSONValue.decode(try #require(body)))
    }

    /// `GET /api/v1/products/{slug}`, … for every documented operation.
    var operations: Set<String> {
        var result: Set<String> = []
        for (path, item) in document["paths"]?.object ?? [:] {
            for method in Self.methods where item[method] != nil {
                result.insert("\(method.uppercased()) \(path)")
            }
        }
        return result
    }

    func operation(_ method: String, _ path: String) -> JSONValue? {
        document["paths"]?[path]?[method.lowercased()]
    }

    /// The documented path template a concrete path falls under (`/api/v1/products/a` → `/api/v1/products/{slug}`).
    func template(for path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return document["paths"]?.object?.keys.sorted().first { template in
            let parts = template.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == segments.count
                && zip(parts, segments).allSatisfy { part, segment in
                    (part.hasPrefix("{") && part.hasSuffix("}") && !segment.isEmpty) || part == segment
                }
        }
    }

    /// A `$ref` followed, or the value itself.
    func resolved(_ value: JSONValue) -> JSONValue {
        guard let reference = value["$ref"]?.string, let target = validator.resolve(reference) else { return value }
        return resolved(target)
    }

    /// Parameters of an operation by location (`query`, `header`, `path`), `$ref`s followed.
    func parameters(_ method: String, _ path: String, in location: String) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for parameter in (operation(method, path)?["parameters"]?.array ?? []).map(resolved)
        where parameter["in"]?.string == location {
            if let name = parameter["name"]?.string { result[name] = parameter }
        }
        return result
    }

    /// Component schemas the responses of these operations (`"POST /api/v1/carts"`) can contain,
    /// following `$ref`s transitively.
    func schemasReachable(fromResponsesOf operations: Set<String>) -> Set<String> {
        var found: Set<String> = []
        func visit(_ value: JSONValue) {
            if let reference = value["$ref"]?.string {
                let name = String(reference.split(separator: "/").last ?? "")
                if reference.hasPrefix("#/components/schemas/") {
                    guard found.insert(name).inserted else { return }
                }
                if let target = validator.resolve(reference) { visit(target) }
            }
            for member in value.object?.values.map({ $0 }) ?? [] { visit(member) }
            for element in value.array ?? [] { visit(element) }
        }
        for operation in operations {
            let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let responses = self.operation(parts[0], parts[1])?["responses"] else { continue }
            visit(responses)
        }
        return found
    }

    /// `Schema.property` for every top-level property of these component schemas.
    func documentedProperties(of schemas: Set<String>) -> Set<String> {
        Set(
            schemas.flatMap { name in
                (document["components"]?["schemas"]?[name]?["properties"]?.object ?? [:]).keys.map { "\(name).\($0)" }
            })
    }

    /// Checks a real response against the document: its status is documented for the operation,
    /// required headers are present and match, the content type is the documented one, and a JSON
    /// body has exactly the keys and value types the schema allows. Problems are recorded as issues.
    ///
    /// - Returns: the decoded JSON body, when there is one.
    @discardableResult
    mutating func check(
        _ response: TestingHTTPResponse, method: String = "GET", path: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> JSONValue? {
        let concrete = String(path.prefix { $0 != "?" })
        let template = try #require(
            self.template(for: concrete), "\(concrete) is not documented", sourceLocation: sourceLocation)
        let operation = try #require(
            self.operation(method, template), "\(method) \(template) is not documented", sourceLocation: sourceLocation)
        checkedOperations.insert("\(method) \(template)")
        let status = String(response.status.code)
        let documented = try #require(
            operation["responses"]?[status].map(resolved),
            "\(method) \(template) does not document status \(status)", sourceLocation: sourceLocation)
        for (name, header) in (documented["headers"]?.object ?? [:]).mapValues(resolved) {
            let value = response.headers.first(name: name)
            if header["required"]?.bool == true, value == nil {
                Issue.record(
                    Comment(rawValue: "\(method) \(path) \(status): required header \(name) is missing"),
                    sourceLocation: sourceLocation)
            }
            if let value, let schema = header["schema"] {
                for problem in validator.validate(.string(value), against: schema) {
                    Issue.record(
                        Comment(rawValue: "\(method) \(path) \(status): header \(name) \(problem)"),
                        sourceLocation: sourceLocation)
                }
            }
        }
        guard let content = documented["content"]?.object else {
            #expect(
                response.body.readableBytes == 0, "\(status) has no documented body", sourceLocation: sourceLocation)
            return nil
        }
        let contentType = try #require(response.headers.contentType, sourceLocation: sourceLocation)
        let mediaType = "\(contentType.type)/\(contentType.subType)"
        let media = try #require(
            content[mediaType], "\(method) \(path) \(status): undocumented content type \(mediaType)",
            sourceLocation: sourceLocation)
        guard mediaType == "application/json" else { return nil }
        let body = try JSONValue.decode(Data(response.body.readableBytesView))
        let schema = try #require(media["schema"], sourceLocation: sourceLocation)
        for problem in validator.validate(body, against: schema) {
            Issue.record(Comment(rawValue: "\(method) \(path) \(status): \(problem)"), sourceLocation: sourceLocation)
        }
        return body
    }
}

extension Application {
    /// One request with an optional JSON body through the in-memory tester, returning the response.
    func send(
        _ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], json: [String: Any]? = nil
    ) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse?
        var headers = headers
        var body: ByteBuffer?
        if let json {
            headers.replaceOrAdd(name: .contentType, value: "application/json")
            body = ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: json)))
        }
        try await testing().test(method, path, headers: headers, body: body) { result = $0 }
        return try #require(result)
    }

    /// One request through the in-memory tester, returning the response.
    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse?
        try await testing().test(.GET, path, headers: headers) { result = $0 }
        return try #require(result)
    }
}
