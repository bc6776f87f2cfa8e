import Foundation
import StripeClient
import Testing

/// Decoding answers shaped like real Stripe's (not localstripe's): ids instead of expanded objects,
/// redirect-based next actions, decline codes, statuses added after our pinned version.
@Suite("Stripe models")
struct StripeModelTests {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    @Test("A 3-D Secure redirect and an unexpanded latest_charge decode")
    func redirectAndUnexpandedCharge() throws {
        let intent = try Self.decode(
            StripePaymentIntent.self,
            """
            {"id": "pi_3", "object": "payment_intent", "status": "requires_action", "amount": 2000, "currency": "eur",
             "client_secret": "pi_3_secret_x", "latest_charge": "ch_3", "payment_method": "pm_3",
             "metadata": {"order_id": "o-3"}, "amount_received": 0, "livemode": false,
             "next_action": {"type": "redirect_to_url",
               "redirect_to_url": {"url": "https://hooks.stripe.com/3d_secure_2/hosted?x=1",
                                   "return_url": "https://shop.example.com/checkout/return"}}}
            """)
        #expect(intent.status == .requiresAction)
        #expect(intent.nextAction?.type == "redirect_to_url")
        #expect(intent.nextAction?.redirectToURL?.url == "https://hooks.stripe.com/3d_secure_2/hosted?x=1")
        #expect(intent.nextAction?.redirectToURL?.returnURL == "https://shop.example.com/checkout/return")
        #expect(intent.latestCharge == .id("ch_3"))
        #expect(intent.latestCharge?.object == nil)
        #expect(intent.paymentMethod?.id == "pm_3")
        #expect(intent.metadata == ["order_id": "o-3"])
        #expect(intent.amountReceived == 0)
    }

    @Test("A failed attempt's reason, with decline code, decodes; an unknown status survives")
    func lastPaymentErrorAndUnknownStatus() throws {
        let intent = try Self.decode(
            StripePaymentIntent.self,
            """
            {"id": "pi_4", "status": "requires_reauthorization", "amount": 100, "currency": "usd",
             "last_payment_error": {"type": "card_error", "code": "card_declined", "decline_code": "lost_card",
               "message": "Your card was declined.", "param": null}}
            """)
        #expect(intent.status.rawValue == "requires_reauthorization")
        #expect(intent.lastPaymentError?.declineCode == "lost_card")
        #expect(intent.lastPaymentError?.type == "card_error")
        #expect(intent.metadata.isEmpty)
        #expect(intent.clientSecret == nil)
    }

    @Test("A refund and a charge.refunded event decode")
    func refundAndChargeEvent() throws {
        let refund = try Self.decode(
            StripeRefund.self,
            #"{"id": "re_1", "object": "refund", "amount": 500, "currency": "eur", "status": "pending", "#
                + #""payment_intent": "pi_1", "charge": "ch_1", "reason": "requested_by_customer", "created": 1700000000}"#
        )
        #expect(refund.status == "pending")
        #expect(refund.reason == "requested_by_customer")
        let event = try Self.decode(
            StripeEvent.self,
            """
            {"id": "evt_9", "object": "event", "type": "charge.refunded", "created": 1700000000,
             "api_version": "2024-06-20", "livemode": false,
             "data": {"object": {"id": "ch_1", "object": "charge", "amount": 5000, "amount_refunded": 1500,
               "currency": "eur", "status": "succeeded", "refunded": false, "payment_intent": "pi_1",
               "refunds": {"object": "list", "data": []}},
              "previous_attributes": {"amount_refunded": 0}}}
            """)
        #expect(event.objectKind == "charge")
        let charge = try event.object(as: StripeCharge.self)
        #expect(charge.amountRefunded == 1500)
        #expect(charge.paymentIntent == "pi_1")
        #expect(event.data.previousAttributes?["amount_refunded"] == .number(0))
        #expect(throws: StripeError.self) { _ = try event.object(as: StripePaymentMethod.self) }
    }
}
