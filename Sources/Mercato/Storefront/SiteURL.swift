import Foundation
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
    case cart, cartItems, cartUpdate, cartRemove, cartCoupon, cartCouponRemove
    case checkout
    case checkoutPay(orderID: UUID)
    case checkoutReturn(orderID: UUID)
    case checkoutAuthenticate(paymentID: String)
    case order(number: String)
    case account, accountRegister, accountLogin, accountLogout, accountAddresses
    case accountAddressDelete(id: UUID)
    case accountOrder(number: String)
    case passwordReset
    case passwordResetToken(token: String)

    /// The storefront's routes, independent of the values that fill their parameters.
    enum Route: String, CaseIterable, Sendable {
        case home, category, product, search, staticAsset
        case cart, cartItems, cartUpdate, cartRemove, cartCoupon, cartCouponRemove
        case checkout, checkoutPay, checkoutReturn, checkoutAuthenticate, order
        case account, accountRegister, accountLogin, accountLogout, accountAddresses, accountAddressDelete
        case accountOrder, passwordReset, passwordResetToken

        var pathComponents: [PathComponent] {
            switch self {
            case .home: []
            case .category: ["c", ":slug"]
            case .product: ["p", ":slug"]
            case .search: ["search"]
            case .staticAsset: ["static", ":file"]
            case .cart: ["cart"]
            case .cartItems: ["cart", "items"]
            case .cartUpdate: ["cart", "update"]
            case .cartRemove: ["cart", "remove"]
            case .cartCoupon: ["cart", "coupon"]
            case .cartCouponRemove: ["cart", "coupon", "remove"]
            case .checkout: ["checkout"]
            case .checkoutPay: ["checkout", "pay", ":orderID"]
            case .checkoutReturn: ["checkout", "return", ":orderID"]
            case .checkoutAuthenticate: ["checkout", "authenticate", ":paymentID"]
            case .order: ["orders", ":number"]
            case .account: ["account"]
            case .accountRegister: ["account", "register"]
            case .accountLogin: ["account", "login"]
            case .accountLogout: ["account", "logout"]
            case .accountAddresses: ["account", "addresses"]
            case .accountAddressDelete: ["account", "addresses", ":addressID", "delete"]
            case .accountOrder: ["account", "orders", ":number"]
            case .passwordReset: ["account", "password-reset"]
            case .passwordResetToken: ["account", "password-reset", ":token"]
            }
        }

        /// The link to this route when it takes no parameters (`#link("cart")`), else nil.
        var parameterless: SiteURL? {
            switch self {
            case .home: .home
            case .search: .search
            case .cart: .cart
            case .cartItems: .cartItems
            case .cartUpdate: .cartUpdate
            case .cartRemove: .cartRemove
            case .cartCoupon: .cartCoupon
            case .cartCouponRemove: .cartCouponRemove
            case .checkout: .checkout
            case .account: .account
            case .accountRegister: .accountRegister
            case .accountLogin: .accountLogin
            case .accountLogout: .accountLogout
            case .accountAddresses: .accountAddresses
            case .passwordReset: .passwordReset
            case .category, .product, .staticAsset, .checkoutPay, .checkoutReturn, .checkoutAuthenticate, .order,
                .accountAddressDelete, .accountOrder, .passwordResetToken:
                nil
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
        case .cart: .cart
        case .cartItems: .cartItems
        case .cartUpdate: .cartUpdate
        case .cartRemove: .cartRemove
        case .cartCoupon: .cartCoupon
        case .cartCouponRemove: .cartCouponRemove
        case .checkout: .checkout
        case .checkoutPay: .checkoutPay
        case .checkoutReturn: .checkoutReturn
        case .checkoutAuthenticate: .checkoutAuthenticate
        case .order: .order
        case .account: .account
        case .accountRegister: .accountRegister
        case .accountLogin: .accountLogin
        case .accountLogout: .accountLogout
        case .accountAddresses: .accountAddresses
        case .accountAddressDelete: .accountAddressDelete
        case .accountOrder: .accountOrder
        case .passwordReset: .passwordReset
        case .passwordResetToken: .passwordResetToken
        }
    }

    private var parameterValues: [String: String] {
        switch self {
        case .category(let slug), .product(let slug): ["slug": slug]
        case .staticAsset(let file): ["file": file]
        case .checkoutPay(let id), .checkoutReturn(let id): ["orderID": id.uuidString]
        case .checkoutAuthenticate(let id): ["paymentID": id]
        case .order(let number), .accountOrder(let number): ["number": number]
        case .accountAddressDelete(let id): ["addressID": id.uuidString]
        case .passwordResetToken(let token): ["token": token]
        default: [:]
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
        guard let link = SiteURL.Route(rawValue: name)?.parameterless else { throw UnknownLink(name: name) }
        return .string(link.path)
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
