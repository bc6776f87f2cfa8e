import Foundation
import Testing
import Vapor

@testable import Mercato

/// A payment provider under the shared contract, with what the contract needs to drive it.
///
/// Every `PaymentProvider` adapter (the built-in test provider, Stripe) runs the same
/// ``PaymentProviderContract`` checks, so checkout can rely on one behaviour whichever is configured.
struct PaymentProviderContractSubject: Sendable {
    /// Inputs for one payment: a method that succeeds, one that is declined, and one that needs the
    /// customer to authenticate (3-D Secure).
    struct Methods: Sendable {
        var success: PaymentMethodInput
        var decline: PaymentMethodInput
        var authenticationRequired: PaymentMethodInput
    }

    var provider: any PaymentProvider
    /// Fresh methods for each payment (Stripe creates new `pm_` ids; the test provider returns cards).
    var makeMethods: @Sendable () async throws -> Methods
    /// A webhook body in the provider's own format announcing `kind` for `paymentID`.
    var webhookPayload:
        @Sendable (_ eventID: String, _ kind: PaymentEvent.Kind, _ paymentID: String, _ amountRefunded: Int64?) ->
            [UInt8]
    /// The headers the provider's real sender attaches to `payload` when it signs it at `time`.
    var signWebhook: @Sendable (_ payload: [UInt8], _ time: Date) -> HTTPHeaders
    /// The receipt address put on requests; nil where the server under test refuses one (localstripe).
    var customerEmail: String? = "customer@example.com"
    var currency = "EUR"
}

/// The behaviour every payment provider must show. Each function is one contract clause; a suite per
/// provider calls them all (see `StripePaymentProviderTests`).
enum PaymentProviderContract {
    static func request(_ subject: PaymentProviderContractSubject, amount: Int64 = 2599) -> PaymentRequest {
        PaymentRequest(
            orderID: UUID(), orderNumber: "M-\(Int.random(in: 100_000...999_999))", amount: amount,
            currency: subject.currency, customerEmail: subject.customerEmail, idempotencyKey: key("create"))
    }

    static func key(_ label: String) -> String { "contract-\(label)-\(UUID().uuidString)" }

    /// A payment created and confirmed with `method`, ready for refunds.
    static func paidPayment(
        _ subject: PaymentProviderContractSubject, amount: Int64
    ) async throws -> PaymentState {
        let methods = try await subject.makeMethods()
        let created = try await subject.provider.createPayment(request(subject, amount: amount))
        let paid = try await subject.provider.confirmPayment(
            id: created.id, method: methods.success, idempotencyKey: key("confirm"))
        try #require(paid.status == .succeeded)
        return paid
    }

    /// What a call threw, when it was a `PaymentError`.
    static func paymentError(_ body: () async throws -> Void) async -> PaymentError? {
        do {
            try await body()
            return nil
        } catch let error as PaymentError {
            return error
        } catch {
            Issue.record("expected a PaymentError, got \(error)")
            return nil
        }
    }

    /// create → confirm with a good method → retrieve says succeeded, for the requested amount.
    static func successfulPayment(_ subject: PaymentProviderContractSubject) async throws {
        // setup
        let provider = subject.provider
        let methods = try await subject.makeMethods()
        let request = request(subject, amount: 4250)
        // MUT
        let created = try await provider.createPayment(request)
        let confirmed = try await provider.confirmPayment(
            id: created.id, method: methods.success, idempotencyKey: key("confirm"))
        let retrieved = try await provider.retrievePayment(id: created.id)
        // validate
        #expect(!created.id.isEmpty)
        #expect(created.status != .succeeded, "nothing is charged before confirmation")
        #expect(created.amount == 4250)
        #expect(created.currency == request.currency)
        #expect(confirmed.id == created.id)
        #expect(confirmed.status == .succeeded)
        #expect(retrieved.status == .succeeded)
        #expect(retrieved.amount == 4250)
        #expect(retrieved.currency == request.currency)
        let other = try await provider.createPayment(self.request(subject))
        #expect(other.id != created.id)
    }

    /// A declined card throws `declined` with a message for the customer; the payment stays unpaid
    /// and open for another method.
    static func declinedPayment(_ subject: PaymentProviderContractSubject) async throws {
        let provider = subject.provider
        let methods = try await subject.makeMethods()
        let created = try await provider.createPayment(request(subject))
        // MUT
        let error = await paymentError {
            _ = try await provider.confirmPayment(
                id: created.id, method: methods.decline, idempotencyKey: key("decline"))
        }
        // validate
        guard case .declined(let message) = error else {
            Issue.record("a declined card must throw .declined, got \(String(describing: error))")
            return
        }
        #expect(!message.isEmpty)
        let after = try await provider.retrievePayment(id: created.id)
        #expect(after.status == .requiresPaymentMethod)
        #expect(after.lastFailureMessage?.isEmpty == false)
    }

    /// A card that needs authentication leaves the payment waiting for the customer, never paid.
    static func authenticationRequired(_ subject: PaymentProviderContractSubject) async throws {
        let provider = subject.provider
        let methods = try await subject.makeMethods()
        let created = try await provider.createPayment(request(subject))
        // MUT
        let confirmed = try await provider.confirmPayment(
            id: created.id, method: methods.authenticationRequired, idempotencyKey: key("3ds"))
        // validate
        #expect(confirmed.status == .requiresAction)
        #expect(try await provider.retrievePayment(id: created.id).status == .requiresAction)
    }

    /// Cancel ends an unpaid payment, including one abandoned at authentication.
    static func cancel(_ subject: PaymentProviderContractSubject) async throws {
        let provider = subject.provider
        let open = try await provider.createPayment(request(subject))
        let canceled = try await provider.cancelPayment(id: open.id, idempotencyKey: key("cancel"))
        #expect(canceled.status == .canceled)
        #expect(try await provider.retrievePayment(id: open.id).status == .canceled)

        let methods = try await subject.makeMethods()
        let challenged = try await provider.createPayment(request(subject))
        _ = try await provider.confirmPayment(
            id: challenged.id, method: methods.authenticationRequired, idempotencyKey: key("3ds"))
        let abandoned = try await provider.cancelPayment(id: challenged.id, idempotencyKey: key("cancel"))
        #expect(abandoned.status == .canceled)
    }

    /// A full refund returns the whole amount; partial refunds return what was asked, one after another.
    static func refunds(_ subject: PaymentProviderContractSubject) async throws {
        let provider = subject.provider
        let whole = try await paidPayment(subject, amount: 5000)
        let full = try await provider.refund(paymentID: whole.id, amount: nil, idempotencyKey: key("refund"))
        #expect(full.paymentID == whole.id)
        #expect(full.amount == 5000)
        #expect(full.status != "failed")

        let split = try await paidPayment(subject, amount: 5000)
        let first = try await provider.refund(paymentID: split.id, amount: 1200, idempotencyKey: key("refund"))
        let second = try await provider.refund(paymentID: split.id, amount: 3800, idempotencyKey: key("refund"))
        #expect(first.amount == 1200)
        #expect(second.amount == 3800)
        #expect(first.id != second.id)
        #expect([first.paymentID, second.paymentID] == [split.id, split.id])
    }

    /// Refunding a payment that never succeeded, or reading one that does not exist, is an invalid request.
    static func invalidRequests(_ subject: PaymentProviderContractSubject) async throws {
        let provider = subject.provider
        let unpaid = try await provider.createPayment(request(subject))
        let refundError = await paymentError {
            _ = try await provider.refund(paymentID: unpaid.id, amount: nil, idempotencyKey: key("refund"))
        }
        guard case .invalidRequest = refundError else {
            Issue.record("refunding an unpaid payment must be .invalidRequest, got \(String(describing: refundError))")
            return
        }
        let unknownError = await paymentError { _ = try await provider.retrievePayment(id: "pi_doesnotexist000") }
        guard case .invalidRequest = unknownError else {
            Issue.record("an unknown payment must be .invalidRequest, got \(String(describing: unknownError))")
            return
        }
    }

    /// Correctly signed events parse into what the shop acts on.
    static func signedWebhooks(_ subject: PaymentProviderContractSubject) throws {
        let now = Date()
        let cases: [(PaymentEvent.Kind, Int64?)] = [
            (.paymentSucceeded, nil), (.paymentFailed, nil), (.paymentCanceled, nil), (.refunded, 1200),
        ]
        for (index, (kind, refunded)) in cases.enumerated() {
            let eventID = "evt_contract_\(index)_\(UUID().uuidString.prefix(8))"
            let payload = subject.webhookPayload(eventID, kind, "pay_contract_\(index)", refunded)
            let headers = subject.signWebhook(payload, now.addingTimeInterval(-20))
            // MUT
            let event = try subject.provider.parseWebhook(payload: payload, headers: headers, now: now)
            // validate
            #expect(
                event
                    == PaymentEvent(
                        id: eventID, kind: kind, paymentID: "pay_contract_\(index)", amountRefunded: refunded))
        }
    }

    /// Forged, altered, unsigned, stale and future-dated deliveries are all refused as invalid signatures.
    static func forgedOrStaleWebhooks(_ subject: PaymentProviderContractSubject) {
        let provider = subject.provider
        let now = Date()
        let payload = subject.webhookPayload("evt_forged", .paymentSucceeded, "pay_victim", nil)
        let altered = subject.webhookPayload("evt_forged", .paymentSucceeded, "pay_attacker", nil)
        let attempts: [(String, [UInt8], HTTPHeaders)] = [
            ("altered after signing", altered, subject.signWebhook(payload, now)),
            ("unsigned", payload, HTTPHeaders()),
            ("an hour old", payload, subject.signWebhook(payload, now.addingTimeInterval(-3600))),
            ("an hour in the future", payload, subject.signWebhook(payload, now.addingTimeInterval(3600))),
        ]
        for (label, body, headers) in attempts {
            do {
                _ = try provider.parseWebhook(payload: body, headers: headers, now: now)
                Issue.record("a webhook \(label) must be refused")
            } catch let error as PaymentError {
                guard case .invalidSignature = error else {
                    Issue.record("a webhook \(label) must be .invalidSignature, got \(error)")
                    continue
                }
            } catch {
                Issue.record("a webhook \(label) must throw a PaymentError, got \(error)")
            }
        }
    }
}
