import AsyncHTTPClient
import Foundation
import StripeClient
import Testing

/// Round trips against a real `localstripe` (MERCATO_TEST_STRIPE_URL). Every test makes its own
/// payment methods and intents, so tests run in parallel and need no reset.
@Suite("Stripe client against localstripe", .enabled(if: TestServices.stripeEnabled))
struct StripeLocalstripeTests {
    static func client() throws -> StripeClient {
        let url = try #require(TestServices.stripeURL, TestServices.missingStripe)
        return try StripeClient(
            configuration: StripeConfiguration(secretKey: "sk_test_mercato", baseURL: url, timeout: .seconds(10)),
            httpClient: HTTPClient.shared)
    }

    static func key(_ label: String) -> String { "\(label)-\(UUID().uuidString)" }

    /// A card payment method, as Stripe.js would create in the browser.
    static func card(_ number: String, client: StripeClient) async throws -> String {
        try await client.createCardPaymentMethod(
            StripeCardDetails(number: number, expMonth: 12, expYear: 2030, cvc: "123"), idempotencyKey: key("pm")
        ).id
    }

    /// An intent with `card` attached the way the provider does it: update, then confirm with no body.
    static func confirmedIntent(
        card number: String, amount: Int64 = 2500, captureMethod: String? = nil, client: StripeClient
    ) async throws -> StripePaymentIntent {
        let method = try await card(number, client: client)
        let created = try await client.createPaymentIntent(
            StripePaymentIntentCreate(amount: amount, currency: "eur", captureMethod: captureMethod),
            idempotencyKey: key("create"))
        _ = try await client.updatePaymentIntent(
            id: created.id, StripePaymentIntentUpdate(paymentMethod: method), idempotencyKey: key("attach"))
        return try await client.confirmPaymentIntent(id: created.id, idempotencyKey: key("confirm"))
    }

    @Test("create → attach → confirm succeeds, and retrieve agrees; metadata survives the form encoding")
    func success() async throws {
        // setup
        let client = try Self.client()
        let method = try await Self.card("4242424242424242", client: client)
        let metadata = ["order_id": "3F2504E0-4F89", "order_number": "M-1001 & co=ü [x]"]
        // MUT
        let created = try await client.createPaymentIntent(
            StripePaymentIntentCreate(amount: 4200, currency: "eur", metadata: metadata), idempotencyKey: Self.key("c"))
        let attached = try await client.updatePaymentIntent(
            id: created.id, StripePaymentIntentUpdate(paymentMethod: method), idempotencyKey: Self.key("u"))
        let confirmed = try await client.confirmPaymentIntent(id: created.id, idempotencyKey: Self.key("f"))
        let retrieved = try await client.retrievePaymentIntent(id: created.id)
        // validate
        #expect(created.status == .requiresPaymentMethod)
        #expect(created.clientSecret?.hasPrefix(created.id + "_secret_") == true)
        #expect(created.metadata == metadata)
        #expect(attached.status == .requiresConfirmation)
        #expect(attached.paymentMethod?.id == method)
        #expect(confirmed.status == .succeeded)
        #expect(retrieved.status == .succeeded)
        #expect(retrieved.amount == 4200)
        #expect(retrieved.currency == "eur")
        let charge = try #require(retrieved.latestCharge?.object, "localstripe expands latest_charge")
        #expect(charge.amount == 4200)
        #expect(charge.paymentIntent == created.id)
        #expect(charge.status == "succeeded")
    }

    @Test("A declined card throws a card error and leaves the intent unpaid with the reason")
    func decline() async throws {
        let client = try Self.client()
        let method = try await Self.card("4000000000000341", client: client)
        let created = try await client.createPaymentIntent(
            StripePaymentIntentCreate(amount: 1500, currency: "eur"), idempotencyKey: Self.key("c"))
        _ = try await client.updatePaymentIntent(
            id: created.id, StripePaymentIntentUpdate(paymentMethod: method), idempotencyKey: Self.key("u"))
        // MUT
        let error = await #expect(throws: StripeError.self) {
            _ = try await client.confirmPaymentIntent(id: created.id, idempotencyKey: Self.key("f"))
        }
        // validate
        #expect(error?.isCardError == true)
        #expect(error?.apiError?.statusCode == 402)
        #expect(error?.apiError?.code == "card_declined")
        #expect(error?.apiError?.message == "Your card was declined.")
        let after = try await client.retrievePaymentIntent(id: created.id)
        #expect(after.status == .requiresPaymentMethod)
        #expect(after.lastPaymentError?.code == "card_declined")
        #expect(after.lastPaymentError?.message == "Your card was declined.")
    }

    @Test("A card that needs 3-D Secure leaves the intent in requires_action with a next action")
    func requiresAction() async throws {
        let client = try Self.client()
        let intent = try await Self.confirmedIntent(card: "4000002760003184", client: client)
        #expect(intent.status == .requiresAction)
        #expect(intent.nextAction?.type == "use_stripe_sdk")
        #expect(intent.latestCharge == nil)
    }

    @Test("Manual capture authorises first, then captures the amount")
    func manualCapture() async throws {
        let client = try Self.client()
        let authorised = try await Self.confirmedIntent(
            card: "4242424242424242", amount: 3000, captureMethod: "manual", client: client)
        #expect(authorised.status == .requiresCapture)
        #expect(authorised.captureMethod == "manual")
        // MUT
        let captured = try await client.capturePaymentIntent(id: authorised.id, idempotencyKey: Self.key("cap"))
        // validate
        #expect(captured.status == .succeeded)
        #expect(try await client.retrievePaymentIntent(id: authorised.id).status == .succeeded)
    }

    @Test("Cancel ends an unconfirmed intent; cancelling a succeeded one is refused")
    func cancel() async throws {
        let client = try Self.client()
        let open = try await client.createPaymentIntent(
            StripePaymentIntentCreate(amount: 900, currency: "eur"), idempotencyKey: Self.key("c"))
        let canceled = try await client.cancelPaymentIntent(id: open.id, idempotencyKey: Self.key("x"))
        #expect(canceled.status == .canceled)
        #expect(try await client.retrievePaymentIntent(id: open.id).status == .canceled)

        let paid = try await Self.confirmedIntent(card: "4242424242424242", client: client)
        let error = await #expect(throws: StripeError.self) {
            _ = try await client.cancelPaymentIntent(id: paid.id, idempotencyKey: Self.key("x"))
        }
        #expect(error?.apiError?.statusCode == 400)
    }

    @Test("Partial then full refunds add up to the charge; each can be retrieved")
    func refunds() async throws {
        let client = try Self.client()
        let paid = try await Self.confirmedIntent(card: "4242424242424242", amount: 5000, client: client)
        // MUT
        let partial = try await client.createRefund(
            paymentIntent: paid.id, amount: 1200, idempotencyKey: Self.key("r1"))
        let rest = try await client.createRefund(paymentIntent: paid.id, amount: 3800, idempotencyKey: Self.key("r2"))
        // validate
        #expect(partial.amount == 1200)
        #expect(partial.status == "succeeded")
        #expect(partial.paymentIntent == paid.id)
        #expect(rest.amount == 3800)
        #expect(try await client.retrieveRefund(id: partial.id).amount == 1200)
        let charge = try #require(try await client.retrievePaymentIntent(id: paid.id).latestCharge?.object)
        #expect(charge.amountRefunded == 5000)
        #expect(charge.refunded == true)

        let whole = try await Self.confirmedIntent(card: "4242424242424242", amount: 777, client: client)
        let full = try await client.createRefund(paymentIntent: whole.id, idempotencyKey: Self.key("r3"))
        #expect(full.amount == 777)
    }

    @Test("Invalid requests come back as typed errors: bad parameter, unknown object, bad key")
    func invalidRequests() async throws {
        let client = try Self.client()
        let badAmount = await #expect(throws: StripeError.self) {
            _ = try await client.createPaymentIntent(
                StripePaymentIntentCreate(amount: -5, currency: "eur"), idempotencyKey: Self.key("c"))
        }
        #expect(badAmount?.apiError?.statusCode == 400)
        #expect(badAmount?.apiError?.type == "invalid_request_error")
        #expect(badAmount?.isCardError == false)
        #expect(badAmount?.isUnavailable == false)

        let unknown = await #expect(throws: StripeError.self) {
            _ = try await client.retrievePaymentIntent(id: "pi_doesnotexist")
        }
        #expect(unknown?.apiError?.statusCode == 404)
        #expect(unknown?.apiError?.message == "Not Found")

        let url = try #require(TestServices.stripeURL)
        let unauthenticated = try StripeClient(
            configuration: StripeConfiguration(secretKey: "pk_test_public", baseURL: url), httpClient: HTTPClient.shared
        )
        let denied = await #expect(throws: StripeError.self) {
            _ = try await unauthenticated.retrievePaymentIntent(id: "pi_x")
        }
        #expect(denied?.apiError?.statusCode == 401)
    }
}
