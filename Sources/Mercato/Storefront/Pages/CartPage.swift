import Fluent
import Foundation
import Vapor

/// `GET /cart` and its forms: add, change quantity, remove, apply or remove a coupon. Each POST
/// redirects back to the cart; a mistake re-renders the cart with the message and a 4xx, and
/// changes nothing.
enum CartPage {
    struct Context: Encodable {
        var title = "Your cart"
        var csrf: String?
        var error: String?
        var isEmpty: Bool
        var items: [Line]
        var itemCount: Int
        var subtotal: String
        var discount: String?
        var total: String
        var couponCode: String?
        var couponProblem: String?
    }

    struct Line: Encodable {
        var name: String
        var variantTitle: String
        var sku: String
        var quantity: Int
        var unitPrice: String
        var lineTotal: String
        var productURL: String
        /// "Only 2 left in stock": the quantity can't be bought as it stands.
        var problem: String?
    }

    static func show(req: Request) async throws -> Response {
        try await render(req, problem: nil)
    }

    static func render(_ req: Request, problem: FormProblem?) async throws -> Response {
        var view: CartDTO?
        if let cart = try await StorefrontCart.find(for: req, create: false) {
            view = try await req.carts.view(
                cart, customerKey: req.webSessionState.session?.customerID?.uuidString)
        }
        let items = (view?.items ?? []).map(line)
        let discount = view.flatMap { $0.totals.discount.amount > 0 ? $0.totals.discount.formatted : nil }
        let context = Context(
            csrf: req.webSessionState.session?.csrfToken, error: problem?.message, isEmpty: items.isEmpty,
            items: items, itemCount: view?.itemCount ?? 0, subtotal: view?.totals.subtotal.formatted ?? "",
            discount: discount, total: view?.totals.total.formatted ?? "", couponCode: view?.couponCode,
            couponProblem: view?.couponProblem)
        return try await req.renderPrivatePage("cart", context, status: problem?.status ?? .ok)
    }

    private static func line(_ item: CartDTO.Item) -> Line {
        var problem: String?
        if item.quantity > item.available {
            problem = item.available == 0 ? "Out of stock" : "Only \(item.available) left in stock"
        }
        return Line(
            name: item.name, variantTitle: item.variantTitle, sku: item.sku, quantity: item.quantity,
            unitPrice: item.unitPrice.formatted, lineTotal: item.lineTotal.formatted,
            productURL: SiteURL.product(slug: item.productSlug).path, problem: problem)
    }

    /// Runs a cart change; its mistakes re-render the cart instead of an error page.
    private static func change(_ req: Request, _ body: (Cart) async throws -> Void, create: Bool = false)
        async throws -> Response
    {
        do {
            guard let cart = try await StorefrontCart.find(for: req, create: create) else {
                throw CartError.empty
            }
            try await body(cart)
            return req.seeOther(.cart)
        } catch {
            guard let problem = FormProblem(error) else { throw error }
            return try await render(req, problem: problem)
        }
    }

    /// `POST /cart/items` (sku, quantity): from the product page, which is publicly cached and so
    /// carries no CSRF token; `FormProtection` checks the origin instead (see there).
    static func add(req: Request) async throws -> Response {
        let sku = req.formField("sku") ?? ""
        do {
            let quantity = try FormQuantity.parse(req.formField("quantity") ?? "1")
            // Check before creating anything, so a bad SKU leaves no empty cart or session behind.
            guard !sku.isEmpty, sku.count <= 64, try await req.carts.isSellable(sku: sku)
            else { throw CartError.unknownSKU(String(sku.prefix(64))) }
            return try await change(
                req, { try await req.carts.add(sku: sku, quantity: quantity, to: $0) }, create: true)
        } catch {
            guard let problem = FormProblem(error) else { throw error }
            return try await render(req, problem: problem)
        }
    }

    /// `POST /cart/update` (sku, quantity); zero removes the line.
    static func update(req: Request) async throws -> Response {
        let sku = req.formField("sku") ?? ""
        return try await change(req) { cart in
            let quantity = try FormQuantity.parse(req.formField("quantity"), allowZero: true)
            try await req.carts.setQuantity(sku: sku, quantity: quantity, in: cart)
        }
    }

    /// `POST /cart/remove` (sku).
    static func remove(req: Request) async throws -> Response {
        let sku = req.formField("sku") ?? ""
        return try await change(req) { try await req.carts.remove(sku: sku, from: $0) }
    }

    /// `POST /cart/coupon` (code).
    static func applyCoupon(req: Request) async throws -> Response {
        let code = String((req.formField("code") ?? "").prefix(64))
        return try await change(req) { cart in
            guard !code.isEmpty else { throw InvalidField(name: "Coupon code", problem: "is required") }
            try await req.carts.applyCoupon(
                code, to: cart, customerKey: req.webSessionState.session?.customerID?.uuidString)
        }
    }

    /// `POST /cart/coupon/remove`.
    static func removeCoupon(req: Request) async throws -> Response {
        try await change(req) { try await req.carts.removeCoupon(from: $0) }
    }
}
