import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// The payment page for a provider whose card form runs in the browser (Stripe.js): the page
/// carries the payment's client secret and says JavaScript is needed; the customer comes back to
/// the return URL, which asks the provider and settles the order.
@Suite(.serialized) struct StorefrontClientSecretPaymentTests {
    typealias Shop = StorefrontTesting
    typealias Journey = ShopJourney

    /// The test provider's payments with a client secret, named like a browser-confirmed
    /// provider: the storefront's non-test branch, without a network.
    struct BrowserConfirmedProvider: PaymentProvider {
        let base: TestPaymentProvider

        var name: String { "stripe" }
        var isLiveMode: Bool { false }
        var checkoutForm: PaymentCheckoutForm { .providerScript(publishableKey: "pk_test_browser") }
        var authenticationSimulator: (any PaymentAuthenticationSimulator)? { nil }

        private func withSecret(_ state: PaymentState) -> PaymentState {
            var state = state
            state.clientSecret = "\(state.id)_secret_test"
            return state
        }

        func createPayment(_ request: PaymentRequest) async throws -> PaymentState {
            withSecret(try await base.createPayment(request))
        }
        func confirmPayment(id: String, method: PaymentMethodInput, idempotencyKey: String) async throws
            -> PaymentState
        {
            withSecret(try await base.confirmPayment(id: id, method: method, idempotencyKey: idempotencyKey))
        }
        func retrievePayment(id: String) async throws -> PaymentState {
            withSecret(try await base.retrievePayment(id: id))
        }
        func capturePayment(id: String, amount: Int64?, idempotencyKey: String) async throws -> PaymentState {
            try await base.capturePayment(id: id, amount: amount, idempotencyKey: idempotencyKey)
        }
        func cancelPayment(id: String, idempotencyKey: String) async throws -> PaymentState {
            try await base.cancelPayment(id: id, idempotencyKey: idempotencyKey)
        }
        func refund(paymentID: String, amount: Int64?, idempotencyKey: String) async throws -> PaymentRefund {
            try await base.refund(paymentID: paymentID, amount: amount, idempotencyKey: idempotencyKey)
        }
        func parseWebhook(payload: [UInt8], headers: HTTPHeaders, now: Date) throws -> PaymentEvent {
            try base.parseWebhook(payload: payload, headers: headers, now: now)
        }
    }

    @Test func thePageCarriesTheClientSecretAndTheReturnURLSettlesTheOrder() async throws {
        try await CommerceFixtures.withShop(Shop.catalogue) { app in
            // setup
            let testProvider = try #require(app.payments as? TestPaymentProvider)
            app.payments = BrowserConfirmedProvider(base: testProvider)
            let browser = StorefrontBrowser(app)
            _ = try await Journey.addToCart(browser)

            // MUT
            let page = try await Journey.checkOut(browser)

            // validate: no card form, the secret for Stripe.js, and a word about JavaScript
            let order = try #require(try await Order.query(on: app.db).first())
            let paymentID = try #require(order.paymentID)
            #expect(page.html.contains(#"data-client-secret="\#(paymentID)_secret_test""#))
            #expect(
                page.html.contains(
                    #"data-return-url="http://localhost:8080/checkout/return/\#(try order.requireID())""#))
            #expect(page.text.contains("needs JavaScript"))
            #expect(!page.html.contains(#"name="card""#))
            #expect(!page.text.contains(TestPaymentProvider.Card.succeeds))

            // Stripe.js confirms in the browser, then sends the customer to the return URL.
            _ = try await testProvider.confirmPayment(
                id: paymentID, method: .testCard(number: TestPaymentProvider.Card.succeeds), idempotencyKey: "js")
            let confirmation = try await browser.follow(
                try await browser.get("/checkout/return/\(try order.requireID())"))
            #expect(confirmation.text.contains("Status: paid"))
            #expect(try await Order.find(order.requireID(), on: app.db)?.status == .paid)
        }
    }
}
