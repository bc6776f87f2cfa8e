import AsyncHTTPClient
import Foundation
import Logging
import StripeClient
import Vapor

/// The payments port over Stripe PaymentIntents.
///
/// The browser collects the card with Stripe.js (using the intent's client secret) and hands the
/// server a `pm_…` id; the server attaches it and confirms. Every mutating call carries an
/// idempotency key derived from the caller's, so a retried checkout replays Stripe's first answer
/// instead of charging twice.
struct StripePaymentProvider: PaymentProvider {
    let name = "stripe"
    let client: StripeClient
    /// For Stripe.js in the customer's browser.
    let publishableKey: String?
    private let webhookVerifier: StripeWebhookVerifier

    /// Whether the key moves real money (`sk_live_…`); preflight demands it in production.
    var isLiveMode: Bool { client.configuration.isLiveMode }
    var checkoutForm: PaymentCheckoutForm { .providerScript(publishableKey: publishableKey) }
    /// Stripe authenticates on the bank's pages (`next_action`).
    var authenticationSimulator: (any PaymentAuthenticationSimulator)? { nil }

    /// Builds the provider from the `stripe` settings; `httpClient` is borrowed, not shut down here.
    ///
    /// - Throws: `SettingsError` naming `stripe.secretKey` / `stripe.webhookSecret` when either is
    ///   missing, or `stripe.apiBaseURL` when it is not a usable address.
    init(settings: StripeSettings, httpClient: HTTPClient, logger: Logger = Logger(label: "mercato.payments.stripe"))
        throws
    {
        var problems: [SettingsProblem] = []
        if (settings.secretKey ?? "").isEmpty {
            problems.append(SettingsProblem(key: "stripe.secretKey", message: "the stripe provider needs a secret key"))
        }
        if (settings.webhookSecret ?? "").isEmpty {
            problems.append(
                SettingsProblem(key: "stripe.webhookSecret", message: "the stripe provider needs a webhook secret"))
        }
        guard problems.isEmpty, let secretKey = settings.secretKey, let webhookSecret = settings.webhookSecret else {
            throw SettingsError(problems: problems)
        }
        let configuration = StripeConfiguration(
            secretKey: secretKey, baseURL: settings.apiBaseURL ?? StripeConfiguration.defaultBaseURL,
            timeout: .seconds(settings.timeoutSeconds))
        do {
            client = try StripeClient(configuration: configuration, httpClient: httpClient, logger: logger)
        } catch {
            throw SettingsError(problems: [SettingsProblem(key: "stripe.apiBaseURL", message: error.description)])
        }
        webhookVerifier = StripeWebhookVerifier(secret: webhookSecret)
        publishableKey = settings.publishableKey
    }

    func createPayment(_ request: PaymentRequest) async throws -> PaymentState {
        try await mapped {
            try await client.createPaymentIntent(
                Self.createParameters(for: request), idempotencyKey: request.idempotencyKey)
        }
    }

    /// What Stripe is asked to create for an order: the order's id and number travel as metadata so
    /// the Stripe dashboard and every webhook lead back to the order.
    static func createParameters(for request: PaymentRequest) -> StripePaymentIntentCreate {
        StripePaymentIntentCreate(
            amount: request.amount, currency: request.currency.lowercased(),
            metadata: ["order_id": request.orderID.uuidString.lowercased(), "order_number": request.orderNumber],
            receiptEmail: request.customerEmail)
    }

    /// Attaches the payment method, then confirms with no parameters. The two steps (each with its
    /// own key derived from `idempotencyKey`) are what `localstripe` supports and equally valid on
    /// Stripe; a retry with the same key replays both.
    func confirmPayment(id: String, method: PaymentMethodInput, idempotencyKey: String) async throws -> PaymentState {
        guard case .providerMethod(let methodID) = method else {
            throw PaymentError.invalidRequest(
                message: "Stripe takes a payment method id (pm_…) from Stripe.js, never card numbers")
        }
        return try await mapped {
            _ = try await client.updatePaymentIntent(
                id: id, StripePaymentIntentUpdate(paymentMethod: methodID), idempotencyKey: idempotencyKey + ":attach")
            return try await client.confirmPaymentIntent(id: id, idempotencyKey: idempotencyKey + ":confirm")
        }
    }

    func retrievePayment(id: String) async throws -> PaymentState {
        try await mapped { try await client.retrievePaymentIntent(id: id) }
    }

    func capturePayment(id: String, amount: Int64?, idempotencyKey: String) async throws -> PaymentState {
        try await mapped {
            try await client.capturePaymentIntent(id: id, amountToCapture: amount, idempotencyKey: idempotencyKey)
        }
    }

    func cancelPayment(id: String, idempotencyKey: String) async throws -> PaymentState {
        try await mapped { try await client.cancelPaymentIntent(id: id, idempotencyKey: idempotencyKey) }
    }

    func refund(paymentID: String, amount: Int64?, idempotencyKey: String) async throws -> PaymentRefund {
        let refund: StripeRefund
        do {
            refund = try await client.createRefund(
                paymentIntent: paymentID, amount: amount, idempotencyKey: idempotencyKey)
        } catch {
            throw Self.paymentError(error)
        }
        return PaymentRefund(
            id: refund.id, paymentID: refund.paymentIntent ?? paymentID, amount: refund.amount,
            status: refund.status ?? "pending")
    }

    func parseWebhook(payload: [UInt8], headers: HTTPHeaders, now: Date) throws -> PaymentEvent {
        let event: StripeEvent
        do {
            event = try webhookVerifier.event(
                payload: payload, signatureHeader: headers.first(name: "Stripe-Signature"), at: now)
        } catch {
            throw PaymentError.invalidSignature(reason: error.description)
        }
        return try Self.paymentEvent(from: event)
    }

    /// Reduces a verified Stripe event to what the shop acts on.
    static func paymentEvent(from event: StripeEvent) throws -> PaymentEvent {
        do {
            switch event.type {
            case "payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled":
                let intent = try event.object(as: StripePaymentIntent.self)
                let kind: PaymentEvent.Kind =
                    switch event.type {
                    case "payment_intent.succeeded": .paymentSucceeded
                    case "payment_intent.payment_failed": .paymentFailed
                    default: .paymentCanceled
                    }
                return PaymentEvent(id: event.id, kind: kind, paymentID: intent.id, amountRefunded: nil)
            case "charge.refunded":
                let charge = try event.object(as: StripeCharge.self)
                return PaymentEvent(
                    id: event.id, kind: .refunded, paymentID: charge.paymentIntent,
                    amountRefunded: charge.amountRefunded)
            default:
                let paymentID = event.objectKind == "payment_intent" ? event.data.object["id"]?.stringValue : nil
                return PaymentEvent(id: event.id, kind: .other(event.type), paymentID: paymentID, amountRefunded: nil)
            }
        } catch {
            throw PaymentError.invalidRequest(message: "the \(event.type) event's object is unreadable")
        }
    }

    /// The port's view of an intent. Stripe's statuses are the port's, one for one; currencies come
    /// back upper-case like the rest of the shop's money.
    static func state(of intent: StripePaymentIntent) -> PaymentState {
        PaymentState(
            id: intent.id,
            // Statuses Stripe may add later are treated as still in flight: never as paid.
            status: PaymentState.Status(rawValue: intent.status.rawValue) ?? .processing,
            amount: intent.amount,
            currency: intent.currency.uppercased(),
            clientSecret: intent.clientSecret,
            nextActionURL: intent.nextAction?.redirectToURL?.url,
            lastFailureMessage: intent.lastPaymentError?.message)
    }

    /// Card declines become `declined` with Stripe's customer-facing message; Stripe being down, slow
    /// or refusing our key becomes `providerUnavailable`; other 4xx answers are invalid requests.
    static func paymentError(_ error: StripeError) -> PaymentError {
        if let apiError = error.apiError, apiError.isCardError {
            return .declined(message: apiError.message ?? "Your card was declined.")
        }
        switch error {
        case .api(let apiError) where apiError.statusCode >= 500:
            return .providerUnavailable(message: "Stripe answered HTTP \(apiError.statusCode)")
        case .api(let apiError) where [401, 403].contains(apiError.statusCode):
            return .providerUnavailable(message: "Stripe refused the configured API key")
        case .api(let apiError) where apiError.statusCode == 429:
            return .providerUnavailable(message: "Stripe is rate limiting requests")
        case .api(let apiError):
            return .invalidRequest(
                message: apiError.message ?? "Stripe refused the request (HTTP \(apiError.statusCode))")
        case .transport, .cancelled:
            return .providerUnavailable(message: "Stripe could not be reached")
        case .timeout:
            return .providerUnavailable(message: "Stripe did not answer in time")
        case .invalidResponse:
            return .providerUnavailable(message: "Stripe's answer could not be read")
        case .invalidRequest(let reason):
            return .invalidRequest(message: reason)
        }
    }

    /// Runs a Stripe call and translates its failure into the port's errors.
    private func mapped(_ call: () async throws -> StripePaymentIntent) async throws -> PaymentState {
        do {
            return Self.state(of: try await call())
        } catch let error as StripeError {
            throw Self.paymentError(error)
        }
    }
}
