import Fluent
import Foundation
import Vapor

/// Store API payment plumbing: the provider's public configuration, its webhooks, and the test
/// provider's stand-in for 3-D Secure.
struct PaymentRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        api.get("payments", "config", use: config)
        api.on(.POST, "webhooks", "payments", body: .collect(maxSize: "1mb"), use: webhook)
        api.post("payments", "test", ":paymentID", "authentication", use: authenticate)
    }

    struct PaymentConfig: Content, Equatable {
        var provider: String
        var liveMode: Bool
        /// Stripe's publishable key for Stripe.js; nil for the test provider.
        var publishableKey: String?
        /// The test provider's cards, so a storefront can show them.
        var testCards: [String: String]?
    }

    func config(req: Request) async throws -> PaymentConfig {
        let provider = req.application.payments
        switch provider.checkoutForm {
        case .cardNumber(let cards):
            return PaymentConfig(
                provider: provider.name, liveMode: provider.isLiveMode, publishableKey: nil,
                testCards: Dictionary(uniqueKeysWithValues: cards.map { ($0.outcome, $0.number) }))
        case .providerScript(let publishableKey):
            return PaymentConfig(
                provider: provider.name, liveMode: provider.isLiveMode, publishableKey: publishableKey, testCards: nil)
        }
    }

    struct WebhookReceipt: Content {
        var received: Bool
        /// True when this event id was handled before: nothing was done again.
        var duplicate: Bool
    }

    func webhook(req: Request) async throws -> WebhookReceipt {
        let payload = req.body.data.map { Array($0.readableBytesView) } ?? []
        let event = try req.application.payments.parseWebhook(payload: payload, headers: req.headers, now: Date())
        let fresh = try await req.paymentFlow.handle(event)
        return WebhookReceipt(received: true, duplicate: !fresh)
    }

    struct Authentication: Content {
        var approve: Bool
    }

    struct AuthenticationResult: Content {
        var paymentId: String
        var status: String
    }

    /// Only with the test provider: approves or fails the authentication a 4000002500003155 card asks for.
    func authenticate(req: Request) async throws -> AuthenticationResult {
        guard let provider = req.application.payments.authenticationSimulator else {
            throw PaymentError.noAuthenticationSimulator
        }
        let paymentID = try req.parameters.require("paymentID")
        let body = try req.content.decode(Authentication.self)
        let state = try await provider.completeAuthentication(id: paymentID, approved: body.approve)
        return AuthenticationResult(paymentId: state.id, status: state.status.rawValue)
    }
}
