import Fluent
import Foundation
import Vapor

/// Store API checkout and orders: `/api/v1/checkout`, `/api/v1/orders/{id}`, its payment.
/// A guest's order opens with the `X-Order-Token` returned by checkout.
struct OrderRoutes: RouteCollection {
    static let tokenHeader = "X-Order-Token"

    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        api.post("checkout", use: checkout)
        api.get("orders", ":id", use: show)
        api.post("orders", ":id", "payment", use: pay)
        api.post("orders", ":id", "payment", "sync", use: synchronise)
        api.get("shipping-methods", use: shippingMethods)
    }

    func checkout(req: Request) async throws -> Response {
        let body = try req.content.decode(CheckoutRequest.self)
        let customerID = try await req.bearerCustomerID()
        let cart = try await CartService(db: req.db).open(
            id: body.cartId, token: req.headers.first(name: CartRoutes.tokenHeader), customerID: customerID)
        let (order, token, payment) = try await CheckoutService(app: req.application).placeOrder(
            cart: cart, request: body, customerID: customerID)
        return try await order.dto(on: req.db, token: token, payment: payment).encodeResponse(
            status: .created, for: req)
    }

    func show(req: Request) async throws -> OrderDTO {
        try await open(req).dto(on: req.db)
    }

    /// `{"card": "4242…"}` for the test provider, `{"paymentMethod": "pm_…"}` for Stripe.
    struct PaymentSubmission: Content {
        var card: String?
        var paymentMethod: String?

        func method() throws -> PaymentMethodInput {
            switch (card, paymentMethod) {
            case (let card?, nil):
                let digits = card.filter { !$0.isWhitespace }
                guard (12...19) ~= digits.count, digits.allSatisfy(\.isNumber) else {
                    throw InvalidField(name: "card", problem: "must be a card number of 12 to 19 digits")
                }
                return .testCard(number: digits)
            case (nil, let id?):
                // Unicode scalars, as the OpenAPI document's maxLength counts them.
                guard !id.isEmpty, id.unicodeScalars.count <= 255 else {
                    throw InvalidField(name: "paymentMethod", problem: "must be a payment method id")
                }
                return .providerMethod(id: id)
            default:
                throw InvalidField(name: "card", problem: "or paymentMethod is required (exactly one of them)")
            }
        }
    }

    func pay(req: Request) async throws -> OrderDTO {
        let order = try await open(req)
        let method = try req.content.decode(PaymentSubmission.self).method()
        let payment = try await PaymentFlow(app: req.application).pay(order, with: method)
        return try await reload(order, req).dto(on: req.db, payment: payment)
    }

    func synchronise(req: Request) async throws -> OrderDTO {
        let order = try await open(req)
        let payment = try await PaymentFlow(app: req.application).synchronise(order)
        return try await reload(order, req).dto(on: req.db, payment: payment)
    }

    struct ShippingOption: Content, Equatable {
        var code: String
        var name: String
        var price: Money
        var freeOver: Money?
    }

    struct ShippingOptions: Content {
        var items: [ShippingOption]
    }

    /// Methods that ship to `country` (and `region`), priced for the cart when `cartId` (with its
    /// token) is given, else their base price.
    func shippingMethods(req: Request) async throws -> ShippingOptions {
        let parameters = req.queryParameters
        guard let country = parameters["country"]?.uppercased(), country.count == 2,
            country.allSatisfy({ $0.isASCII && $0.isLetter })
        else { throw InvalidParameter(name: "country", problem: "is required: a two-letter ISO code such as DE") }
        let region = parameters["region"].flatMap { $0.isEmpty ? nil : String($0.prefix(10)).uppercased() }
        return ShippingOptions(items: try await ShippingQuote.options(country: country, region: region, on: req.db))
    }

    private func open(_ req: Request) async throws -> Order {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw OrderError.notFound }
        return try await OrderService(db: req.db).open(
            id: id, token: req.headers.first(name: Self.tokenHeader), customerID: try await req.bearerCustomerID())
    }

    private func reload(_ order: Order, _ req: Request) async throws -> Order {
        guard let fresh = try await Order.find(order.requireID(), on: req.db) else { throw OrderError.notFound }
        return fresh
    }
}

/// Shipping methods a destination can use.
enum ShippingQuote {
    static func options(country: String, region: String?, on db: any Database) async throws -> [OrderRoutes
        .ShippingOption]
    {
        try await ShippingMethod.query(on: db).filter(\.$active == true).sort(\.$position).all()
            .filter { $0.serves(country: country, region: region) }
            .map { method in
                let base = method.rateKind == .flat ? method.flatAmount : (method.weightBands.map(\.amount).min() ?? 0)
                return OrderRoutes.ShippingOption(
                    code: method.code, name: method.name, price: Money(amount: base, currency: method.currency),
                    freeOver: method.freeOver.map { Money(amount: $0, currency: method.currency) })
            }
    }
}
