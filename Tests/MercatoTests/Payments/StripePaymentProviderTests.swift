import AsyncHTTPClient
import Foundation
import StripeClient
import Testing
import Vapor

@testable import Mercato

/// The payment-provider contract, run for Stripe against a real localstripe.
@Suite("Payment provider contract: Stripe on localstripe", .enabled(if: TestServices.stripeEnabled))
struct StripePaymentProviderContractTests {
    @Test func successfulPayment() async throws {
        try await PaymentProviderContract.successfulPayment(StripeContract.subject())
    }

    @Test func declinedPayment() async throws {
        try await PaymentProviderContract.declinedPayment(StripeContract.subject())
    }

    @Test func authenticationRequired() async throws {
        try await PaymentProviderContract.authenticationRequired(StripeContract.subject())
    }

    @Test func cancel() async throws {
        try await PaymentProviderContract.cancel(StripeContract.subject())
    }

    @Test func refunds() async throws {
        try await PaymentProviderContract.refunds(StripeContract.subject())
    }

    @Test func invalidRequests() async throws {
        try await PaymentProviderContract.invalidRequests(StripeContract.subject())
    }

    @Test func signedWebhooks() throws {
        try PaymentProviderContract.signedWebhooks(StripeContract.subject())
    }

    @Test func forgedOrStaleWebhooks() throws {
        PaymentProviderContract.forgedOrStaleWebhooks(try StripeContract.subject())
    }

    /// Not a contract clause (the port creates automatically captured payments), but the adapter must
    /// capture an intent authorised with `capture_method=manual`, in part or in full.
    @Test func captureOfAnAuthorisedPayment() async throws {
        // setup: an intent authorised for 3000 with manual capture, confirmed through the provider
        let subject = try StripeContract.subject()
        let provider = try #require(subject.provider as? StripePaymentProvider)
        let methods = try await subject.makeMethods()
        let intent = try await provider.client.createPaymentIntent(
            StripePaymentIntentCreate(amount: 3000, currency: "eur", captureMethod: "manual"),
            idempotencyKey: PaymentProviderContract.key("create"))
        let authorised = try await provider.confirmPayment(
            id: intent.id, method: methods.success, idempotencyKey: PaymentProviderContract.key("confirm"))
        #expect(authorised.status == .requiresCapture)
        // MUT
        let captured = try await provider.capturePayment(
            id: intent.id, amount: nil, idempotencyKey: PaymentProviderContract.key("capture"))
        // validate
        #expect(captured.status == .succeeded)
        #expect(try await provider.retrievePayment(id: intent.id).status == .succeeded)
    }
}

/// What is particular to the Stripe adapter.
@Suite("Stripe payment provider")
struct StripePaymentProviderTests {
    static func provider(secretKey: String = "sk_test_unit") throws -> StripePaymentProvider {
        try StripePaymentProvider(
            settings: StripeSettings(secretKey: secretKey, webhookSecret: StripeContract.webhookSecret),
            httpClient: HTTPClient.shared)
    }

    @Test("An order becomes an intent for its amount, lower-case currency, order metadata and receipt email")
    func createParameters() throws {
        let orderID = try #require(UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301"))
        let request = PaymentRequest(
            orderID: orderID, orderNumber: "M-1001", amount: 12_999, currency: "EUR", customerEmail: "ada@example.com",
            idempotencyKey: "order-1")
        let parameters = StripePaymentProvider.createParameters(for: request)
        #expect(parameters.amount == 12_999)
        #expect(parameters.currency == "eur")
        #expect(parameters.metadata == ["order_id": "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "order_number": "M-1001"])
        #expect(parameters.receiptEmail == "ada@example.com")
        #expect(parameters.paymentMethodTypes == ["card"])
        #expect(parameters.form.encoded.contains("&receipt_email=ada%40example.com"))
    }

    @Test("Card numbers are refused: Stripe takes only payment method ids from Stripe.js")
    func testCardIsRefused() async throws {
        let provider = try Self.provider()
        await #expect(
            throws: PaymentError.invalidRequest(
                message: "Stripe takes a payment method id (pm_…) from Stripe.js, never card numbers")
        ) {
            _ = try await provider.confirmPayment(
                id: "pi_1", method: .testCard(number: "4242424242424242"), idempotencyKey: "k")
        }
    }

    @Test("Live mode follows the key")
    func liveMode() throws {
        #expect(try Self.provider(secretKey: "sk_live_abc").isLiveMode)
        #expect(try !Self.provider(secretKey: "sk_test_abc").isLiveMode)
        #expect(try Self.provider().name == "stripe")
    }

    @Test("Missing keys or a bad address are refused by name at construction")
    func constructionNeedsSettings() {
        do {
            _ = try StripePaymentProvider(settings: StripeSettings(), httpClient: HTTPClient.shared)
            Issue.record("a provider without keys must not be built")
        } catch let error as SettingsError {
            #expect(error.problems.map(\.key) == ["stripe.secretKey", "stripe.webhookSecret"])
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: SettingsError.self) {
            _ = try StripePaymentProvider(
                settings: StripeSettings(secretKey: "sk_test_x", webhookSecret: "whsec_x", apiBaseURL: "localhost:1"),
                httpClient: HTTPClient.shared)
        }
    }

    @Test("Declines, outages and refusals map onto the port's errors without leaking internals")
    func errorMapping() {
        let decline = StripeError.api(
            StripeAPIError(
                statusCode: 402, type: "card_error", code: "card_declined", declineCode: "insufficient_funds",
                message: "Your card has insufficient funds."))
        #expect(StripePaymentProvider.paymentError(decline) == .declined(message: "Your card has insufficient funds."))
        let cases: [(StripeError, PaymentError)] = [
            (
                .api(StripeAPIError(statusCode: 402, code: "card_declined")),
                .declined(message: "Your card was declined.")
            ),
            (
                .api(
                    StripeAPIError(statusCode: 400, type: "invalid_request_error", message: "Amount must be positive")),
                .invalidRequest(message: "Amount must be positive")
            ),
            (.api(StripeAPIError(statusCode: 404)), .invalidRequest(message: "Stripe refused the request (HTTP 404)")),
            (.api(StripeAPIError(statusCode: 503)), .providerUnavailable(message: "Stripe answered HTTP 503")),
            (
                .api(StripeAPIError(statusCode: 401)),
                .providerUnavailable(message: "Stripe refused the configured API key")
            ),
            (.api(StripeAPIError(statusCode: 429)), .providerUnavailable(message: "Stripe is rate limiting requests")),
            (.transport(description: "connection reset"), .providerUnavailable(message: "Stripe could not be reached")),
            (.timeout, .providerUnavailable(message: "Stripe did not answer in time")),
            (.invalidResponse("x"), .providerUnavailable(message: "Stripe's answer could not be read")),
        ]
        for (stripe, expected) in cases {
            #expect(StripePaymentProvider.paymentError(stripe) == expected, "\(stripe)")
        }
    }

    @Test("Unhandled event types are acknowledged as .other; a refund event carries the refunded total")
    func eventMapping() throws {
        let provider = try Self.provider()
        let now = Date()
        let other = StripeContract.eventPayload(
            id: "evt_other", kind: .other("customer.created"), paymentID: "pi_x", amountRefunded: nil)
        #expect(
            try provider.parseWebhook(payload: other, headers: StripeContract.sign(other, at: now), now: now)
                == PaymentEvent(id: "evt_other", kind: .other("customer.created"), paymentID: nil, amountRefunded: nil))

        let refund = StripeContract.eventPayload(id: "evt_r", kind: .refunded, paymentID: "pi_r", amountRefunded: 700)
        let event = try provider.parseWebhook(payload: refund, headers: StripeContract.sign(refund, at: now), now: now)
        #expect(event == PaymentEvent(id: "evt_r", kind: .refunded, paymentID: "pi_r", amountRefunded: 700))
    }

    @Test("A delivery signed with another endpoint's secret is refused")
    func otherSecretIsRefused() throws {
        let provider = try Self.provider()
        let now = Date()
        let payload = StripeContract.eventPayload(
            id: "evt_1", kind: .paymentSucceeded, paymentID: "pi_1", amountRefunded: nil)
        let headers = StripeContract.sign(payload, at: now, secret: "whsec_someone_else")
        #expect(throws: PaymentError.invalidSignature(reason: "no signature matches the payload")) {
            _ = try provider.parseWebhook(payload: payload, headers: headers, now: now)
        }
    }

    @Test(
        "An intent becomes the port's state: redirect URL, failure message, upper-case currency, unknown status in flight"
    )
    func stateMapping() throws {
        let json = """
            {"id": "pi_5", "status": "requires_action", "amount": 2000, "currency": "eur", "client_secret": "cs",
             "next_action": {"type": "redirect_to_url", "redirect_to_url": {"url": "https://bank.example/3ds"}},
             "last_payment_error": {"message": "Authentication needed."}}
            """
        let intent = try JSONDecoder().decode(StripePaymentIntent.self, from: Data(json.utf8))
        #expect(
            StripePaymentProvider.state(of: intent)
                == PaymentState(
                    id: "pi_5", status: .requiresAction, amount: 2000, currency: "EUR", clientSecret: "cs",
                    nextActionURL: "https://bank.example/3ds", lastFailureMessage: "Authentication needed."))
        let future = try JSONDecoder().decode(
            StripePaymentIntent.self,
            from: Data(#"{"id": "pi_6", "status": "requires_reauthorization", "amount": 1, "currency": "usd"}"#.utf8))
        #expect(StripePaymentProvider.state(of: future).status == .processing)
    }
}
