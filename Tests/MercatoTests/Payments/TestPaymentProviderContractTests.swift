import Foundation
import Testing
import Vapor

@testable import Mercato

/// The same payment-provider contract Stripe passes, run for the built-in test provider with its
/// documented cards, on a migrated embedded database.
@Suite("Payment provider contract: the built-in test provider")
struct TestPaymentProviderContractTests {
    private func withSubject(_ body: (PaymentProviderContractSubject) async throws -> Void) async throws {
        try await TestSupport.withApp { app in
            let secret = app.settings.checkout.testWebhookSecret
            let subject = PaymentProviderContractSubject(
                provider: app.payments,
                makeMethods: {
                    .init(
                        success: .testCard(number: TestPaymentProvider.Card.succeeds),
                        decline: .testCard(number: TestPaymentProvider.Card.declines),
                        authenticationRequired: .testCard(number: TestPaymentProvider.Card.requiresAuthentication))
                },
                webhookPayload: { eventID, kind, paymentID, amountRefunded in
                    let type: String =
                        switch kind {
                        case .paymentSucceeded: "payment.succeeded"
                        case .paymentFailed: "payment.failed"
                        case .paymentCanceled: "payment.canceled"
                        case .refunded: "payment.refunded"
                        case .other(let name): name
                        }
                    var data: [String: Any] = ["paymentId": paymentID]
                    if let amountRefunded { data["amountRefunded"] = amountRefunded }
                    let object: [String: Any] = ["id": eventID, "type": type, "data": data]
                    return Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data())
                },
                signWebhook: { payload, time in
                    [
                        TestPaymentProvider.signatureHeader: TestPaymentProvider.signatureHeaderValue(
                            payload: payload, timestamp: Int(time.timeIntervalSince1970), secret: secret)
                    ]
                })
            try await body(subject)
        }
    }

    @Test func successfulPayment() async throws {
        try await withSubject { try await PaymentProviderContract.successfulPayment($0) }
    }

    @Test func declinedPayment() async throws {
        try await withSubject { try await PaymentProviderContract.declinedPayment($0) }
    }

    @Test func authenticationRequired() async throws {
        try await withSubject { try await PaymentProviderContract.authenticationRequired($0) }
    }

    @Test func cancel() async throws {
        try await withSubject { try await PaymentProviderContract.cancel($0) }
    }

    @Test func refunds() async throws {
        try await withSubject { try await PaymentProviderContract.refunds($0) }
    }

    @Test func invalidRequests() async throws {
        try await withSubject { try await PaymentProviderContract.invalidRequests($0) }
    }

    @Test func signedWebhooks() async throws {
        try await withSubject { try PaymentProviderContract.signedWebhooks($0) }
    }

    @Test func forgedOrStaleWebhooks() async throws {
        try await withSubject { PaymentProviderContract.forgedOrStaleWebhooks($0) }
    }
}
