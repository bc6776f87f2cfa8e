import AsyncHTTPClient
import Foundation
import NIOCore
import StripeClient
import Testing
import Vapor

@testable import Mercato

/// End to end: localstripe signs and delivers real webhook requests to a listening server, and the
/// Stripe provider verifies and reads them — the same path a production delivery from Stripe takes.
@Suite("Stripe webhooks delivered by localstripe", .enabled(if: TestServices.stripeEnabled))
struct StripeWebhookDeliveryTests {
    /// Deliveries as received: the raw body and its `Stripe-Signature` header.
    actor Inbox {
        var deliveries: [(body: [UInt8], signature: String?)] = []
        func add(_ body: [UInt8], _ signature: String?) { deliveries.append((body, signature)) }
    }

    @Test("Succeeded and failed payments arrive signed and parse into the shop's events")
    func deliveredEventsParse() async throws {
        // setup: a listener, registered with localstripe for the two payment events
        let stripeURL = try #require(TestServices.stripeURL)
        let inbox = Inbox()
        let listener = try await Application.make(.testing)
        listener.post("stripe", "webhooks") { request async -> HTTPStatus in
            let body = request.body.data.map { Array($0.readableBytesView) } ?? []
            await inbox.add(body, request.headers.first(name: "Stripe-Signature"))
            return .ok
        }
        try await listener.asyncBoot()
        try await listener.server.start(address: .hostname("127.0.0.1", port: 0))
        let registration = "mercato-\(UUID().uuidString.prefix(8))"
        do {
            let port = try #require(listener.http.server.shared.localAddress?.port)
            try await Self.registerWebhook(
                stripeURL: stripeURL, id: registration, url: "http://127.0.0.1:\(port)/stripe/webhooks",
                events: ["payment_intent.succeeded", "payment_intent.payment_failed"])
            let subject = try StripeContract.subject()
            let provider = subject.provider

            // MUT: one payment that succeeds, one that is declined
            let paid = try await PaymentProviderContract.paidPayment(subject, amount: 1999)
            let methods = try await subject.makeMethods()
            let declined = try await provider.createPayment(PaymentProviderContract.request(subject))
            _ = try? await provider.confirmPayment(
                id: declined.id, method: methods.decline, idempotencyKey: PaymentProviderContract.key("decline"))

            // validate: both arrive (localstripe waits a second before sending) and verify
            var events: [PaymentEvent] = []
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline {
                events = try await inbox.deliveries.map { delivery in
                    try provider.parseWebhook(
                        payload: delivery.body, headers: HTTPHeaders([("Stripe-Signature", delivery.signature ?? "")]),
                        now: Date())
                }
                if events.contains(where: { $0.paymentID == paid.id })
                    && events.contains(where: { $0.paymentID == declined.id })
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            let succeeded = try #require(events.first { $0.paymentID == paid.id })
            #expect(succeeded.kind == .paymentSucceeded)
            #expect(succeeded.id.hasPrefix("evt_"))
            let failed = try #require(events.first { $0.paymentID == declined.id })
            #expect(failed.kind == .paymentFailed)

            // A captured delivery replayed an hour later is refused.
            let delivery = try #require(await inbox.deliveries.first)
            #expect(throws: PaymentError.self) {
                _ = try provider.parseWebhook(
                    payload: delivery.body, headers: HTTPHeaders([("Stripe-Signature", delivery.signature ?? "")]),
                    now: Date().addingTimeInterval(3600))
            }
        } catch {
            try? await Self.registerWebhook(
                stripeURL: stripeURL, id: registration, url: "http://127.0.0.1:9/", events: ["none"])
            await listener.server.shutdown()
            try await listener.asyncShutdown()
            throw error
        }
        // Leave localstripe nothing to send to the closed listener.
        try await Self.registerWebhook(
            stripeURL: stripeURL, id: registration, url: "http://127.0.0.1:9/", events: ["none"])
        await listener.server.shutdown()
        try await listener.asyncShutdown()
    }

    /// localstripe's own configuration endpoint: deliver `events` to `url`, signed with the contract secret.
    static func registerWebhook(stripeURL: String, id: String, url: String, events: [String]) async throws {
        var form = StripeForm()
        form.add("url", url)
        form.add("secret", StripeContract.webhookSecret)
        form.add("events", list: events)
        var request = HTTPClientRequest(url: "\(stripeURL)/_config/webhooks/\(id)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: form.encoded))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        #expect(response.status == .ok)
    }
}
