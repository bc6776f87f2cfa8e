import Foundation
import Vapor

/// The payments port: the built-in test provider by default, Stripe in production.
///
/// Every mutating call takes an idempotency key derived from the order, so a retried request
/// (a double-clicked button, a worker restart) never charges twice.
protocol PaymentProvider: Sendable {
    /// `test` or `stripe`; stored on each payment so it is always settled by the provider that made it.
    var name: String { get }
    /// Whether this provider moves real money (Stripe with an `sk_live_` key); preflight demands it in production.
    var isLiveMode: Bool { get }
    /// What the payment page needs to take a payment with this provider.
    var checkoutForm: PaymentCheckoutForm { get }
    /// The provider's own stand-in for a bank's authentication page, if it has one (the test
    /// provider); nil where authentication happens on the provider's or the bank's pages.
    var authenticationSimulator: (any PaymentAuthenticationSimulator)? { get }

    /// Creates a payment for an order's total, not yet confirmed.
    func createPayment(_ request: PaymentRequest) async throws -> PaymentState
    /// Confirms a payment with the customer's payment method; declines throw `PaymentError.declined`.
    func confirmPayment(id: String, method: PaymentMethodInput, idempotencyKey: String) async throws -> PaymentState
    /// The payment as the provider knows it now: the source of truth when a customer returns.
    func retrievePayment(id: String) async throws -> PaymentState
    /// Captures an authorised payment; `amount` nil captures all of it.
    func capturePayment(id: String, amount: Int64?, idempotencyKey: String) async throws -> PaymentState
    /// Cancels a payment that has not succeeded, releasing any authorisation.
    func cancelPayment(id: String, idempotencyKey: String) async throws -> PaymentState
    /// Refunds a succeeded payment in full (`amount` nil) or in part.
    func refund(paymentID: String, amount: Int64?, idempotencyKey: String) async throws -> PaymentRefund
    /// Verifies a webhook delivery's signature and freshness, then parses it.
    /// Throws `PaymentError.invalidSignature` for anything forged, stale or malformed.
    func parseWebhook(payload: [UInt8], headers: HTTPHeaders, now: Date) throws -> PaymentEvent
}

/// How a storefront collects a payment for a provider.
enum PaymentCheckoutForm: Sendable, Equatable {
    /// The shop's own card-number form; the numbers never leave the server. `testCards` lists the
    /// documented cards and what each does.
    case cardNumber(testCards: [TestCard])
    /// The provider's script collects the card in the browser (Stripe.js), with its publishable key.
    case providerScript(publishableKey: String?)

    /// A documented test card and its outcome.
    struct TestCard: Sendable, Equatable {
        /// Stable name of the outcome: `succeeds`, `declines`, `requiresAuthentication`.
        var outcome: String
        var number: String
        /// The outcome as a customer reads it: "is declined".
        var description: String
    }
}

/// Completes a simulated card authentication (3-D Secure) of a payment that asked for one.
protocol PaymentAuthenticationSimulator: Sendable {
    func completeAuthentication(id: String, approved: Bool) async throws -> PaymentState
}

/// What the shop asks a provider to charge.
struct PaymentRequest: Sendable, Equatable {
    var orderID: UUID
    var orderNumber: String
    /// Minor units of `currency`.
    var amount: Int64
    var currency: String
    var customerEmail: String?
    var idempotencyKey: String
}

/// How the customer pays: a provider payment-method id (Stripe `pm_…`), or card details for the
/// test provider, which never leaves the server.
enum PaymentMethodInput: Sendable, Equatable {
    case providerMethod(id: String)
    case testCard(number: String)
}

/// A payment's state as the provider reports it.
struct PaymentState: Sendable, Equatable {
    enum Status: String, Sendable, Codable, CaseIterable {
        case requiresPaymentMethod = "requires_payment_method"
        case requiresConfirmation = "requires_confirmation"
        case requiresAction = "requires_action"
        case processing
        case requiresCapture = "requires_capture"
        case succeeded
        case canceled
    }

    var id: String
    var status: Status
    var amount: Int64
    var currency: String
    /// Handed to the browser for Stripe.js; nil for the test provider.
    var clientSecret: String?
    /// Where to send the customer to authenticate (3-D Secure) when `status` is `requiresAction`.
    var nextActionURL: String?
    /// The provider's explanation of the last failed attempt, safe to show a customer.
    var lastFailureMessage: String?
}

/// A refund as the provider recorded it.
struct PaymentRefund: Sendable, Equatable {
    var id: String
    var paymentID: String
    var amount: Int64
    /// `succeeded`, `pending` or `failed`.
    var status: String
}

/// A verified webhook event, reduced to what the shop acts on.
struct PaymentEvent: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case paymentSucceeded
        case paymentFailed
        case paymentCanceled
        case refunded
        /// Anything else: acknowledged and ignored.
        case other(String)
    }

    /// The provider's event id: webhooks are deduplicated by it.
    var id: String
    var kind: Kind
    var paymentID: String?
    /// Present on refund events: the total refunded so far, in minor units.
    var amountRefunded: Int64?
}

/// Errors a payment can end in that the customer or caller can act on.
enum PaymentError: AppError, Equatable {
    /// The card was declined; the message is the provider's, safe to show.
    case declined(message: String)
    /// The provider refused the request as invalid (a bad amount, an unknown payment).
    case invalidRequest(message: String)
    /// The webhook signature is missing, forged, malformed or outside the time tolerance.
    case invalidSignature(reason: String)
    /// The provider could not be reached or answered 5xx; safe to retry with the same key.
    case providerUnavailable(message: String)
    /// The provider has no simulated authentication page (only the test provider does).
    case noAuthenticationSimulator

    var code: String {
        switch self {
        case .declined: "payment_declined"
        case .invalidRequest: "payment_invalid_request"
        case .invalidSignature: "webhook_signature_invalid"
        case .providerUnavailable: "payment_provider_unavailable"
        case .noAuthenticationSimulator: "not_found"
        }
    }

    var status: HTTPResponseStatus {
        switch self {
        case .declined: .paymentRequired
        case .invalidRequest: .badRequest
        case .invalidSignature: .badRequest
        case .providerUnavailable: .badGateway
        case .noAuthenticationSimulator: .notFound
        }
    }

    var reason: String {
        switch self {
        case .declined(let message): "Payment declined: \(message)"
        case .invalidRequest(let message): "Payment request rejected: \(message)"
        case .invalidSignature(let reason): "Webhook signature invalid: \(reason)"
        case .providerUnavailable(let message): "Payment provider unavailable: \(message)"
        case .noAuthenticationSimulator: "Test payments are only available with the test provider."
        }
    }
}
