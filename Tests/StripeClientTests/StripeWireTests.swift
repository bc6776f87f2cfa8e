import AsyncHTTPClient
import Logging
import MercatoTestSupport
import NIOHTTP1
import StripeClient
import Testing

/// What the client actually sends and how it reads answers, observed with a real local HTTP
/// listener (``RecordingHTTPServer``) rather than a mock of the client.
@Suite("Stripe client on the wire")
struct StripeWireTests {
    static let paymentIntentJSON = """
        {"id": "pi_wire", "object": "payment_intent", "status": "succeeded", "amount": 1234, "currency": "eur"}
        """
    static let refundJSON = #"{"id": "re_wire", "object": "refund", "amount": 500, "currency": "eur"}"#
    static let paymentMethodJSON = #"{"id": "pm_wire", "object": "payment_method", "type": "card"}"#

    /// Answers like Stripe would for each resource, so every operation decodes.
    static let stripeLike: @Sendable (RecordingHTTPServer.Request, Int) -> RecordingHTTPServer.Reply = { request, _ in
        if request.uri.hasPrefix("/v1/refunds") { return .respond(status: .ok, body: refundJSON) }
        if request.uri.hasPrefix("/v1/payment_methods") { return .respond(status: .ok, body: paymentMethodJSON) }
        return .respond(status: .ok, body: paymentIntentJSON)
    }

    static func client(
        _ server: RecordingHTTPServer, retries: Int = 2, timeout: Duration = .seconds(5)
    ) throws -> StripeClient {
        try StripeClient(
            configuration: StripeConfiguration(
                secretKey: "sk_test_wire", baseURL: server.baseURL, timeout: timeout,
                maximumNetworkRetries: retries, initialRetryDelay: .milliseconds(20)),
            httpClient: HTTPClient.shared, logger: quietLogger)
    }

    /// Retry warnings are expected here; keep them out of the test output.
    static let quietLogger: Logger = {
        var logger = Logger(label: "StripeWireTests")
        logger.logLevel = .critical
        return logger
    }()

    @Test("Every mutating call carries its caller's Idempotency-Key; reads carry none")
    func idempotencyKeyOnEveryMutation() async throws {
        try await withRecordingServer(script: Self.stripeLike) { server in
            // setup
            let client = try Self.client(server)
            // MUT: every operation the client offers
            _ = try await client.createPaymentIntent(
                StripePaymentIntentCreate(amount: 1234, currency: "eur"), idempotencyKey: "key-create")
            _ = try await client.updatePaymentIntent(
                id: "pi_wire", StripePaymentIntentUpdate(paymentMethod: "pm_wire"), idempotencyKey: "key-update")
            _ = try await client.confirmPaymentIntent(id: "pi_wire", idempotencyKey: "key-confirm")
            _ = try await client.capturePaymentIntent(
                id: "pi_wire", amountToCapture: 1000, idempotencyKey: "key-capture")
            _ = try await client.cancelPaymentIntent(id: "pi_wire", idempotencyKey: "key-cancel")
            _ = try await client.createRefund(paymentIntent: "pi_wire", amount: 500, idempotencyKey: "key-refund")
            _ = try await client.createCardPaymentMethod(
                StripeCardDetails(number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123"),
                idempotencyKey: "key-pm")
            _ = try await client.retrievePaymentIntent(id: "pi_wire")
            _ = try await client.retrieveRefund(id: "re_wire")
            // validate
            let seen = server.requests.map {
                "\($0.method.rawValue) \($0.uri) \($0.headers.first(name: "Idempotency-Key") ?? "-")"
            }
            #expect(
                seen == [
                    "POST /v1/payment_intents key-create",
                    "POST /v1/payment_intents/pi_wire key-update",
                    "POST /v1/payment_intents/pi_wire/confirm key-confirm",
                    "POST /v1/payment_intents/pi_wire/capture key-capture",
                    "POST /v1/payment_intents/pi_wire/cancel key-cancel",
                    "POST /v1/refunds key-refund",
                    "POST /v1/payment_methods key-pm",
                    "GET /v1/payment_intents/pi_wire -",
                    "GET /v1/refunds/re_wire -",
                ])
            for request in server.requests {
                #expect(request.headers.first(name: "Authorization") == "Bearer sk_test_wire")
                #expect(request.headers.first(name: "Stripe-Version") == StripeConfiguration.apiVersion)
                #expect(request.headers[canonicalForm: "Stripe-Version"].count == 1)
            }
            for request in server.requests where request.method == .POST {
                #expect(request.headers.first(name: "Content-Type") == "application/x-www-form-urlencoded")
            }
        }
    }

    @Test("A PaymentIntent is sent form-encoded with nested metadata and indexed lists, special characters escaped")
    func formEncodingOnTheWire() async throws {
        try await withRecordingServer(script: Self.stripeLike) { server in
            // setup
            let client = try Self.client(server)
            let parameters = StripePaymentIntentCreate(
                amount: 1234, currency: "eur", captureMethod: "manual",
                metadata: ["order_number": "M-1001 & co=ü", "order_id": "3f2504e0"],
                receiptEmail: "ada+shop@example.com")
            // MUT
            _ = try await client.createPaymentIntent(parameters, idempotencyKey: "form-1")
            _ = try await client.createCardPaymentMethod(
                StripeCardDetails(number: "4000000000000341", expMonth: 1, expYear: 2031, cvc: "042"),
                idempotencyKey: "form-2")
            _ = try await client.confirmPaymentIntent(id: "pi_wire", idempotencyKey: "form-3")
            // validate: byte for byte what went over the connection
            let bodies = server.requests.map(\.body)
            #expect(
                bodies[0]
                    == "amount=1234&currency=eur&payment_method_types[0]=card&capture_method=manual"
                    + "&metadata[order_id]=3f2504e0&metadata[order_number]=M-1001%20%26%20co%3D%C3%BC"
                    + "&receipt_email=ada%2Bshop%40example.com")
            #expect(
                bodies[1]
                    == "type=card&card[cvc]=042&card[exp_month]=1&card[exp_year]=2031&card[number]=4000000000000341")
            #expect(bodies[2] == "", "confirming an intent whose method is attached sends no parameters")
            #expect(server.requests[2].headers[canonicalForm: "Content-Length"] == ["0"])
            #expect(server.requests[0].headers[canonicalForm: "Content-Length"] == ["\(bodies[0].utf8.count)"])
        }
    }

    @Test("An id cannot escape its path segment")
    func idIsEscapedInThePath() async throws {
        try await withRecordingServer(script: Self.stripeLike) { server in
            let client = try Self.client(server)
            _ = try await client.retrievePaymentIntent(id: "pi_1/../../v1/refunds?x=1")
            #expect(server.requests.map(\.uri) == ["/v1/payment_intents/pi_1%2F..%2F..%2Fv1%2Frefunds%3Fx%3D1"])
        }
    }

    @Test("A dropped connection is retried with the same Idempotency-Key and the same body")
    func networkFailureIsRetriedWithTheSameKey() async throws {
        let script: @Sendable (RecordingHTTPServer.Request, Int) -> RecordingHTTPServer.Reply = { request, index in
            index < 2 ? .dropConnection : Self.stripeLike(request, index)
        }
        try await withRecordingServer(script: script) { server in
            // setup
            let client = try Self.client(server, retries: 2)
            // MUT
            let intent = try await client.createPaymentIntent(
                StripePaymentIntentCreate(amount: 1234, currency: "eur", metadata: ["order_id": "o-1"]),
                idempotencyKey: "order-o-1-create")
            // validate
            #expect(intent.id == "pi_wire")
            let requests = server.requests
            #expect(requests.count == 3)
            #expect(Set(requests.compactMap { $0.headers.first(name: "Idempotency-Key") }) == ["order-o-1-create"])
            #expect(Set(requests.map(\.body)).count == 1)
        }
    }

    @Test("Retries stop at the configured limit and report the transport failure")
    func retriesAreBounded() async throws {
        try await withRecordingServer(script: { _, _ in .dropConnection }) { server in
            let client = try Self.client(server, retries: 1)
            let error = await #expect(throws: StripeError.self) {
                _ = try await client.confirmPaymentIntent(id: "pi_1", idempotencyKey: "k")
            }
            guard case .transport = error else {
                Issue.record("expected .transport, got \(String(describing: error))")
                return
            }
            #expect(error?.isUnavailable == true)
            #expect(server.requests.count == 2)
        }
    }

    @Test("503 is retried; a 400 answer, or Stripe-Should-Retry: false, is final")
    func statusBasedRetries() async throws {
        let script: @Sendable (RecordingHTTPServer.Request, Int) -> RecordingHTTPServer.Reply = { request, index in
            switch request.uri {
            case "/v1/payment_intents/pi_busy/confirm" where index == 0:
                .respond(status: .serviceUnavailable, body: #"{"error": {"type": "api_error", "message": "busy"}}"#)
            case "/v1/payment_intents/pi_bad/confirm":
                .respond(status: .badRequest, body: #"{"error": {"type": "invalid_request_error", "message": "no"}}"#)
            case "/v1/payment_intents/pi_final/confirm":
                .respond(
                    status: .serviceUnavailable, headers: [("Stripe-Should-Retry", "false")],
                    body: #"{"error": {"type": "api_error", "message": "do not retry"}}"#)
            default:
                Self.stripeLike(request, index)
            }
        }
        try await withRecordingServer(script: script) { server in
            let client = try Self.client(server, retries: 3)
            _ = try await client.confirmPaymentIntent(id: "pi_busy", idempotencyKey: "busy")
            #expect(server.requests.count == 2)

            await #expect(throws: StripeError.self) {
                _ = try await client.confirmPaymentIntent(id: "pi_bad", idempotencyKey: "bad")
            }
            #expect(server.requests.count == 3)

            let error = await #expect(throws: StripeError.self) {
                _ = try await client.confirmPaymentIntent(id: "pi_final", idempotencyKey: "final")
            }
            #expect(error?.apiError?.statusCode == 503)
            #expect(error?.isUnavailable == true)
            #expect(server.requests.count == 4)
        }
    }

    @Test("Stripe's error object is decoded with type, code, decline code, message, param, status and request id")
    func errorObjectIsDecoded() async throws {
        let decline = """
            {"error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
            "message": "Your card has insufficient funds.", "param": "payment_method", "charge": "ch_1"}}
            """
        try await withRecordingServer(script: { _, _ in
            .respond(status: .paymentRequired, headers: [("Request-Id", "req_abc123")], body: decline)
        }) { server in
            let client = try Self.client(server)
            let error = await #expect(throws: StripeError.self) {
                _ = try await client.confirmPaymentIntent(id: "pi_1", idempotencyKey: "k")
            }
            #expect(
                error?.apiError
                    == StripeAPIError(
                        statusCode: 402, type: "card_error", code: "card_declined", declineCode: "insufficient_funds",
                        message: "Your card has insufficient funds.", param: "payment_method", chargeID: "ch_1",
                        requestID: "req_abc123"))
            #expect(error?.isCardError == true)
            #expect(error?.isUnavailable == false)
            #expect(server.requests.count == 1, "a decline is an answer, never retried")
        }
    }

    @Test("An error answer that is not JSON keeps its status and an excerpt")
    func nonJSONErrorIsReported() async throws {
        try await withRecordingServer(script: { _, _ in
            .respond(status: .badGateway, body: "<html>upstream gone</html>")
        }) { server in
            let client = try Self.client(server, retries: 0)
            let error = await #expect(throws: StripeError.self) {
                _ = try await client.retrievePaymentIntent(id: "pi_1")
            }
            #expect(error?.apiError?.statusCode == 502)
            #expect(error?.apiError?.message == "<html>upstream gone</html>")
            #expect(error?.isUnavailable == true)
        }
    }

    @Test("A 200 answer of the wrong shape is an invalid response, not a crash")
    func wrongShapeIsInvalidResponse() async throws {
        try await withRecordingServer(script: { _, _ in .respond(status: .ok, body: #"{"id": 7}"#) }) { server in
            let client = try Self.client(server)
            let error = await #expect(throws: StripeError.self) {
                _ = try await client.retrievePaymentIntent(id: "pi_1")
            }
            guard case .invalidResponse = error else {
                Issue.record("expected .invalidResponse, got \(String(describing: error))")
                return
            }
        }
    }

    @Test("A mutating call without an idempotency key is refused before anything is sent")
    func emptyIdempotencyKeyIsRefused() async throws {
        try await withRecordingServer(script: Self.stripeLike) { server in
            let client = try Self.client(server)
            await #expect(
                throws: StripeError.invalidRequest("POST /v1/payment_intents/pi_1/cancel needs an idempotency key")
            ) {
                _ = try await client.cancelPaymentIntent(id: "pi_1", idempotencyKey: "")
            }
            await #expect(throws: StripeError.invalidRequest("idempotency key is longer than 255 characters")) {
                _ = try await client.cancelPaymentIntent(id: "pi_1", idempotencyKey: String(repeating: "k", count: 256))
            }
            #expect(server.requests.isEmpty)
        }
    }

    @Test("A server that never answers times out, once per attempt")
    func silentServerTimesOut() async throws {
        try await withRecordingServer(script: { _, _ in .silence }) { server in
            let client = try Self.client(server, retries: 1, timeout: .milliseconds(300))
            let started = ContinuousClock.now
            await #expect(throws: StripeError.timeout) {
                _ = try await client.retrievePaymentIntent(id: "pi_1")
            }
            // Two 300 ms attempts, not the 30 s default twice; room for every suite running at once.
            #expect(ContinuousClock.now - started < .seconds(25))
            #expect(server.requests.count == 2)
        }
    }

    @Test("A base URL that is not http(s)://host[:port], or an empty key, is refused at construction")
    func badConfigurationIsRefused() {
        for url in ["api.stripe.com", "ftp://api.stripe.com", "https://", "https://api.stripe.com/v1", "http://h?x=1"] {
            #expect(throws: StripeError.self, "\(url)") {
                _ = try StripeClient(
                    configuration: StripeConfiguration(secretKey: "sk_test_x", baseURL: url),
                    httpClient: HTTPClient.shared)
            }
        }
        #expect(throws: StripeError.invalidRequest("the secret key is empty")) {
            _ = try StripeClient(configuration: StripeConfiguration(secretKey: ""), httpClient: HTTPClient.shared)
        }
        #expect(StripeConfiguration(secretKey: "sk_live_x").isLiveMode)
        #expect(!StripeConfiguration(secretKey: "sk_test_x").isLiveMode)
    }
}
