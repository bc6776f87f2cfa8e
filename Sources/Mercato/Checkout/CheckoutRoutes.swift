import Fluent
import Foundation
import Vapor

/// Store API checkout and payment: `POST /api/v1/checkout`, `POST /api/v1/orders/{id}/payment`
/// and its `/sync`. A guest's order opens with the `X-Order-Token` returned by checkout.
struct CheckoutRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        api.post("checkout", use: checkout)
        api.post("orders", ":id", "payment", use: pay)
        api.post("orders", ":id", "payment", "sync", use: synchronise)
    }

    func checkout(req: Request) async throws -> Response {
        let body = try req.content.decode(CheckoutRequest.self)
        let customerID = try await req.bearerCustomerID()
        let cart = try await req.carts.open(
            id: body.cartId, token: req.headers.first(name: CartRoutes.tokenHeader), customerID: customerID)
        let (order, token, payment) = try await req.checkout.placeOrder(
            cart: cart, request: body, customerID: customerID)
        return try await order.dto(on: req.db, token: token, payment: payment).encodeResponse(
            status: .created, for: req)
    }

    func pay(req: Request) async throws -> OrderDTO {
        let order = try await OrderRoutes.open(req)
        let method = try req.content.decode(PaymentSubmission.self).method()
        let payment = try await req.paymentFlow.pay(order, with: method)
        return try await req.orders.find(order.requireID()).dto(on: req.db, payment: payment)
    }

    func synchronise(req: Request) async throws -> OrderDTO {
        let order = try await OrderRoutes.open(req)
        let payment = try await req.paymentFlow.synchronise(order)
        return try await req.orders.find(order.requireID()).dto(on: req.db, payment: payment)
    }
}

/// `{"card": "4242…"}` for the test provider, `{"paymentMethod": "pm_…"}` for Stripe.
struct PaymentSubmission: Content {
    var card: String?
    var paymentMethod: String?

    func method() throws -> PaymentMethodInput {
        switch (card, paymentMethod) {
        case (let card?, nil):
            let digits = card.filter { !$0.isWhitespace }
            // ASCII digits only: `isNumber` also takes fullwidth and other scripts' digits.
            guard (12...19) ~= digits.count, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
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
