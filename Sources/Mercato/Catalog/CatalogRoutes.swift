import Foundation
import Vapor

/// Store API, catalogue read side: `/api/v1/products`, `/categories`, `/search`.
struct CatalogRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        api.get("products", use: list)
        api.get("products", ":slug", use: product)
        api.get("products", ":slug", "variants", use: variants)
        api.get("categories", use: categories)
        api.get("search", use: search)
        api.get("search", "suggestions", use: suggestions)
    }

    func list(req: Request) async throws -> Response {
        let query = try CatalogQuery(parameters: req.queryParameters)
        return try await cached(req, "list:\(query.cacheKey)", scope: query.cacheScope) { try await $0.list(query) }
    }

    func search(req: Request) async throws -> Response {
        var query = try CatalogQuery(parameters: req.queryParameters)
        query.includeFacets = true
        return try await cached(req, "list:\(query.cacheKey)", scope: query.cacheScope) { try await $0.list(query) }
    }

    func product(req: Request) async throws -> Response {
        let slug = try req.parameters.require("slug")
        return try await Self.following(req) {
            try await cached(req, "product:\(slug)", scope: .product(slug: slug)) {
                try await $0.product(slug: slug)
            }
        }
    }

    func variants(req: Request) async throws -> Response {
        let slug = try req.parameters.require("slug")
        // Stock changes with every order, so it is read fresh and revalidated on every request.
        return try await Self.following(req) {
            try await req.catalog.variants(slug: slug).cachedResponse(for: req, maxAge: 0)
        }
    }

    /// An old slug is answered with a 301 to the same path under the product's current slug.
    private static func following(_ req: Request, _ answer: () async throws -> Response) async throws -> Response {
        do {
            return try await answer()
        } catch CatalogError.productMoved(let current) {
            var path = req.url.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if path.count > 4 { path[4] = PercentEncoding.component(current) }
            let response = Response(status: .movedPermanently)
            response.headers.replaceOrAdd(name: .location, value: path.joined(separator: "/"))
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
            return response
        }
    }

    func categories(req: Request) async throws -> Response {
        try await cached(req, "categories", scope: .catalogue, maxAge: 300) { try await $0.categoryTree() }
    }

    /// Serves from the catalogue cache, computing and storing on a miss.
    private func cached(
        _ req: Request, _ key: String, scope: CatalogCache.Scope, maxAge: Int = 60,
        produce: (CatalogService) async throws -> some Encodable
    ) async throws -> Response {
        let service = req.catalog
        return try await req.application.catalogCache.json(key, scope: scope) { try await produce(service) }
            .cachedJSONResponse(for: req, maxAge: maxAge)
    }

    func suggestions(req: Request) async throws -> Response {
        let parameters = req.queryParameters
        let prefix = parameters["q"] ?? ""
        guard prefix.unicodeScalars.count <= CatalogQuery.maximumTextLength else {
            throw InvalidParameter(name: "q", problem: "must be at most \(CatalogQuery.maximumTextLength) characters")
        }
        let limit =
            try parameters["limit"].map { raw -> Int in
                guard let limit = Int(raw), (1...20).contains(limit) else {
                    throw InvalidParameter(name: "limit", problem: "must be between 1 and 20")
                }
                return limit
            } ?? 8
        let key = "suggest:\(limit):\(SearchText.terms(in: prefix).joined(separator: " "))"
        return try await cached(req, key, scope: .listing) {
            try await $0.suggestions(for: prefix, limit: limit)
        }
    }
}

extension Request {
    /// Query parameters as sent, last value winning; percent-decoding done, nothing else.
    var queryParameters: [String: String] {
        guard let query = url.query, let items = URLComponents(string: "?" + query)?.queryItems else { return [:] }
        return items.reduce(into: [:]) { result, item in result[item.name] = item.value ?? "" }
    }
}
