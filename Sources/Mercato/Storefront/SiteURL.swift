import Leaf
import Vapor

/// Every storefront address. Routes are registered from `Route.pathComponents` and links are built
/// from the same components, so a link can't point at a page that doesn't exist.
enum SiteURL: Hashable, Sendable {
    case home
    case category(slug: String)
    case product(slug: String)
    case search
    case staticAsset(file: String)

    /// The storefront's routes, independent of the values that fill their parameters.
    enum Route: String, CaseIterable, Sendable {
        case home, category, product, search, staticAsset

        var pathComponents: [PathComponent] {
            switch self {
            case .home: []
            case .category: ["c", ":slug"]
            case .product: ["p", ":slug"]
            case .search: ["search"]
            case .staticAsset: ["static", ":file"]
            }
        }
    }

    var route: Route {
        switch self {
        case .home: .home
        case .category: .category
        case .product: .product
        case .search: .search
        case .staticAsset: .staticAsset
        }
    }

    private var parameterValues: [String: String] {
        switch self {
        case .home, .search: [:]
        case .category(let slug), .product(let slug): ["slug": slug]
        case .staticAsset(let file): ["file": file]
        }
    }

    /// `/c/sneakers`: the route's constants with its parameters filled in and escaped.
    var path: String {
        let values = parameterValues
        let segments = route.pathComponents.map { component -> String in
            switch component {
            case .constant(let text): text
            case .parameter(let name): PercentEncoding.component(values[name] ?? "")
            case .anything, .catchall: preconditionFailure("storefront routes have named parameters only")
            }
        }
        return "/" + segments.joined(separator: "/")
    }

    /// `/c/sneakers?brand=Acme&page=2`; pairs keep their order and repeat as given.
    func with(query: [(name: String, value: String)]) -> String {
        guard !query.isEmpty else { return path }
        let encoded = query.map { PercentEncoding.component($0.name) + "=" + PercentEncoding.component($0.value) }
        return path + "?" + encoded.joined(separator: "&")
    }
}

/// `#link("search")` in templates: the path of a storefront route without parameters, so the
/// layout's links come from `SiteURL` too. An unknown name fails the render (caught by the tests).
struct SiteLinkTag: LeafTag {
    struct UnknownLink: Error, CustomStringConvertible {
        var name: String
        var description: String { "#link(\"\(name)\"): no parameterless storefront route of that name" }
    }

    func render(_ ctx: LeafContext) throws -> LeafData {
        let name = ctx.parameters.first?.string ?? ""
        switch SiteURL.Route(rawValue: name) {
        case .home: return .string(SiteURL.home.path)
        case .search: return .string(SiteURL.search.path)
        default: throw UnknownLink(name: name)
        }
    }
}

/// Percent-encoding for one path segment or query name/value.
enum PercentEncoding {
    /// RFC 3986 unreserved characters stay; everything else (`+`, `&`, `/`, `?`, `#`, spaces,
    /// non-ASCII) is escaped, so a value can never change the path or add a parameter.
    static func component(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
