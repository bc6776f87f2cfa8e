import AsyncHTTPClient
import Foundation
import MercatoTestSupport
import StripeClient
import Testing
import Vapor

@testable import Mercato

extension TestServices {
    /// `http://127.0.0.1:PORT` of a `localstripe --port PORT --from-scratch`.
    static var stripeURL: String? { ServiceEnvironment.value("MERCATO_TEST_STRIPE_URL") }
    static var stripeEnabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_STRIPE_URL") }

    /// Stripe settings aimed at the test localstripe.
    static func stripeSettings(webhookSecret: String = StripeContract.webhookSecret) throws -> StripeSettings {
        let url = try #require(
            stripeURL,
            "MERCATO_REQUIRE_SERVICES=1 but MERCATO_TEST_STRIPE_URL is not set (start localstripe --port PORT)")
        return StripeSettings(
            secretKey: "sk_test_mercato_contract", webhookSecret: webhookSecret, apiBaseURL: url, timeoutSeconds: 10)
    }
}

/// How the payment-provider contract drives Stripe on localstripe.
enum StripeContract {
    static let webhookSecret = "whsec_mercato_contract"

    static func subject() throws -> PaymentProviderContractSubject {
        let provider = try StripePaymentProvider(settings: TestServices.stripeSettings(), httpClient: HTTPClient.shared)
        let client = provider.client
        return PaymentProviderContractSubject(
            provider: provider,
            makeMethods: {
                // localstripe declines 4000000000000341 when charging and challenges 4000002760003184.
                async let success = card("4242424242424242", client: client)
                async let decline = card("4000000000000341", client: client)
                async let challenge = card("4000002760003184", client: client)
                return PaymentProviderContractSubject.Methods(
                    success: .providerMethod(id: try await success), decline: .providerMethod(id: try await decline),
                    authenticationRequired: .providerMethod(id: try await challenge))
            },
            webhookPayload: { eventPayload(id: $0, kind: $1, paymentID: $2, amountRefunded: $3) },
            signWebhook: { payload, time in sign(payload, at: time) },
            // localstripe refuses `receipt_email` on PaymentIntents; the wire tests cover sending it.
            customerEmail: nil)
    }

    /// A payment method as Stripe.js would create it in the browser.
    static func card(_ number: String, client: StripeClient) async throws -> String {
        try await client.createCardPaymentMethod(
            StripeCardDetails(number: number, expMonth: 12, expYear: 2030, cvc: "123"),
            idempotencyKey: "pm-\(UUID().uuidString)"
        ).id
    }

    static func sign(_ payload: [UInt8], at time: Date, secret: String = webhookSecret) -> HTTPHeaders {
        let header = StripeWebhookVerifier.signatureHeader(
            payload: payload, secret: secret, timestamp: Int64(time.timeIntervalSince1970))
        return HTTPHeaders([("Stripe-Signature", header)])
    }

    /// An event body shaped like Stripe's: `payment_intent.*` events carry the intent, `charge.refunded`
    /// the charge with its running refunded total.
    static func eventPayload(id: String, kind: PaymentEvent.Kind, paymentID: String, amountRefunded: Int64?) -> [UInt8]
    {
        let intent: (String) -> [String: Any] = { status in
            ["id": paymentID, "object": "payment_intent", "status": status, "amount": 5000, "currency": "eur"]
        }
        let (type, object): (String, [String: Any]) =
            switch kind {
            case .paymentSucceeded: ("payment_intent.succeeded", intent("succeeded"))
            case .paymentFailed: ("payment_intent.payment_failed", intent("requires_payment_method"))
            case .paymentCanceled: ("payment_intent.canceled", intent("canceled"))
            case .refunded:
                (
                    "charge.refunded",
                    [
                        "id": "ch_\(paymentID)", "object": "charge", "amount": 5000,
                        "amount_refunded": amountRefunded ?? 5000, "currency": "eur", "status": "succeeded",
                        "refunded": amountRefunded == nil, "payment_intent": paymentID,
                    ]
                )
            case .other(let type): (type, ["id": "cus_1", "object": "customer"])
            }
        let event: [String: Any] = [
            "id": id, "object": "event", "type": type, "created": Int(Date().timeIntervalSince1970),
            "livemode": false, "api_version": StripeConfiguration.apiVersion, "data": ["object": object],
        ]
        // swift-format-ignore: NeverForceUnwrap
        return Array(try! JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]))
    }
}
