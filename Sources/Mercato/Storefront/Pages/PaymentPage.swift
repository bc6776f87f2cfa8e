import Fluent
import Foundation
import Vapor

/// `GET/POST /checkout/pay/{orderID}`: pay a placed order. With the built-in test provider it is a
/// plain card form showing the documented test cards; with Stripe the page carries the
/// PaymentIntent's client secret for Stripe.js. A decline is shown on the page and the order
/// stays payable; a card that asks for authentication goes to the provider's authentication page.
enum PaymentPage {
    struct Context: Encodable {
        var title = "Payment"
        var csrf: String
        var error: String?
        var orderNumber: String
        var total: String
        var isTestProvider: Bool
        var testCards: [TestCard]
        var providerName: String
        var clientSecret: String?
        var publishableKey: String?
        var returnURL: String
    }

    struct TestCard: Encodable {
        var number: String
        var outcome: String
    }

    static func show(req: Request) async throws -> Response {
        let order = try await order(req)
        guard order.status == .pendingPayment else { return req.seeOther(.order(number: order.number)) }
        let payment = try await req.paymentFlow.ensurePayment(for: order)
        let failure = payment.status == .requiresPaymentMethod ? payment.lastFailureMessage : nil
        return try await render(req, order, payment: payment, problem: failure.map { .init(status: .ok, message: $0) })
    }

    static func submit(req: Request) async throws -> Response {
        let order = try await order(req)
        guard order.status == .pendingPayment else { return req.seeOther(.order(number: order.number)) }
        do {
            let method = try PaymentSubmission(card: req.formField("card") ?? "", paymentMethod: nil)
                .method()
            let payment = try await req.paymentFlow.pay(order, with: method)
            switch payment.status {
            case .succeeded, .processing, .requiresCapture:
                return req.seeOther(.order(number: order.number))
            case .requiresAction:
                let payAgain = SiteURL.checkoutPay(orderID: try order.requireID()).path
                // A provider with its own stand-in authentication page sends the customer to the
                // shop's page for it; a real one names the bank's page.
                let next =
                    req.application.payments.authenticationSimulator != nil
                    ? SiteURL.checkoutAuthenticate(paymentID: payment.id).path : payment.nextActionURL ?? payAgain
                return req.seeOther(next)
            case .requiresPaymentMethod, .requiresConfirmation, .canceled:
                throw PaymentError.declined(message: payment.lastFailureMessage ?? "The payment didn't go through.")
            }
        } catch {
            guard let problem = FormProblem(error) else { throw error }
            let payment = try? await req.paymentFlow.ensurePayment(for: order)
            return try await render(req, order, payment: payment, problem: problem)
        }
    }

    /// `GET /checkout/return/{orderID}`: where the customer lands after authenticating. Asks the
    /// provider how the payment stands (settling it if it succeeded) and shows the result.
    static func returned(req: Request) async throws -> Response {
        let order = try await order(req)
        if order.status == .pendingPayment {
            _ = try await req.paymentFlow.synchronise(order)
        }
        let fresh = try await req.orders.find(order.requireID())
        return fresh.status == .pendingPayment
            ? req.seeOther(.checkoutPay(orderID: try fresh.requireID())) : req.seeOther(.order(number: fresh.number))
    }

    private static func order(_ req: Request) async throws -> Order {
        guard let id = req.parameters.get("orderID", as: UUID.self) else { throw OrderError.notFound }
        return try await req.visibleOrder(id: id)
    }

    private static func render(
        _ req: Request, _ order: Order, payment: PaymentState?, problem: FormProblem?
    ) async throws -> Response {
        let session = try await req.webSession()
        let provider = req.application.payments
        let orderID = try order.requireID()
        var context = Context(
            csrf: session.csrfToken, error: problem?.message, orderNumber: order.number,
            total: Money(amount: order.total, currency: order.currency).formatted, isTestProvider: false,
            testCards: [], providerName: provider.name, clientSecret: nil, publishableKey: nil,
            returnURL: req.application.settings.server.baseURL + SiteURL.checkoutReturn(orderID: orderID).path)
        switch provider.checkoutForm {
        case .cardNumber(let cards):
            context.isTestProvider = true
            context.testCards = cards.map { TestCard(number: $0.number, outcome: $0.description) }
        case .providerScript(let publishableKey):
            context.clientSecret = payment?.clientSecret
            context.publishableKey = publishableKey
        }
        return try await req.renderPrivatePage("pay", context, status: problem?.status ?? .ok)
    }
}

/// `GET/POST /checkout/authenticate/{paymentID}`: the test provider's stand-in for a bank's 3-D
/// Secure page. Approve or Fail, then back to the shop's return URL.
enum AuthenticationPage {
    struct Context: Encodable {
        var title = "Authenticate your payment"
        var csrf: String
        var orderNumber: String
        var total: String
    }

    static func show(req: Request) async throws -> Response {
        let (_, order) = try await open(req)
        let session = try await req.webSession()
        return try await req.renderPrivatePage(
            "authenticate",
            Context(
                csrf: session.csrfToken, orderNumber: order.number,
                total: Money(amount: order.total, currency: order.currency).formatted))
    }

    static func submit(req: Request) async throws -> Response {
        let (provider, order) = try await open(req)
        let outcome = req.formField("outcome")
        guard outcome == "approve" || outcome == "fail" else {
            throw InvalidField(name: "outcome", problem: "must be approve or fail")
        }
        _ = try await provider.completeAuthentication(id: order.paymentID ?? "", approved: outcome == "approve")
        return req.seeOther(.checkoutReturn(orderID: try order.requireID()))
    }

    /// Only the test provider has this page, and only for a payment of an order this visitor may see.
    private static func open(_ req: Request) async throws -> (any PaymentAuthenticationSimulator, Order) {
        guard let provider = req.application.payments.authenticationSimulator else {
            throw PaymentError.noAuthenticationSimulator
        }
        let paymentID = try req.parameters.require("paymentID")
        guard paymentID.count <= 64,
            let order = try await req.orders.find(paymentID: paymentID)
        else { throw OrderError.notFound }
        return (provider, try await req.visibleOrder(id: try order.requireID()))
    }
}
