import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// The built-in provider of the embedded default: no network, no real money, and the same states
/// and failure modes as a card processor, driven by documented test card numbers.
///
/// Payments are kept in the database (not in memory) so any instance can confirm or settle them,
/// and its webhooks are signed like Stripe's so the webhook path is exercised offline too.
struct TestPaymentProvider: PaymentProvider, PaymentAuthenticationSimulator {
    /// Test cards: any expiry in the future, any CVC.
    enum Card {
        static let succeeds = "4242424242424242"
        static let declines = "4000000000000002"
        static let requiresAuthentication = "4000002500003155"
    }

    static let signatureHeader = "Mercato-Signature"
    static let toleranceSeconds: TimeInterval = 300

    let database: @Sendable () -> any Database
    let webhookSecret: String

    var name: String { "test" }
    var isLiveMode: Bool { false }
    var checkoutForm: PaymentCheckoutForm {
        .cardNumber(testCards: [
            .init(outcome: "succeeds", number: Card.succeeds, description: "succeeds"),
            .init(outcome: "declines", number: Card.declines, description: "is declined"),
            .init(
                outcome: "requiresAuthentication", number: Card.requiresAuthentication,
                description: "asks for authentication"),
        ])
    }
    var authenticationSimulator: (any PaymentAuthenticationSimulator)? { self }

    func createPayment(_ request: PaymentRequest) async throws -> PaymentState {
        guard request.amount > 0 else { throw PaymentError.invalidRequest(message: "amount must be positive") }
        let sql = try database().sql
        let now = Date()
        try await sql.raw(
            """
            INSERT INTO test_payments
              (id, idempotency_key, order_id, amount, currency, status, amount_refunded, created_at, updated_at)
            VALUES (\(bind: "tp_" + SecretToken.generate().prefix(24)), \(bind: request.idempotencyKey),
                    \(bind: request.orderID), \(bind: request.amount), \(bind: request.currency),
                    \(bind: PaymentState.Status.requiresPaymentMethod.rawValue), 0, \(bind: now), \(bind: now))
            ON CONFLICT DO NOTHING
            """
        ).run()
        guard let payment = try await load(idempotencyKey: request.idempotencyKey) else {
            throw PaymentError.providerUnavailable(message: "payment was not stored")
        }
        return payment
    }

    func confirmPayment(id: String, method: PaymentMethodInput, idempotencyKey: String) async throws -> PaymentState {
        let payment = try await require(id)
        switch payment.status {
        case .succeeded, .requiresCapture, .processing: return payment
        case .canceled: throw PaymentError.invalidRequest(message: "payment \(id) was canceled")
        case .requiresAction, .requiresPaymentMethod, .requiresConfirmation: break
        }
        guard case .testCard(let raw) = method else {
            throw PaymentError.invalidRequest(
                message: "the test provider takes test card numbers, not payment method ids")
        }
        let number = raw.filter(\.isNumber)
        switch number {
        case Card.succeeds:
            return try await update(id, status: .succeeded, card: number, failure: nil)
        case Card.requiresAuthentication:
            return try await update(id, status: .requiresAction, card: number, failure: nil)
        case Card.declines:
            _ = try await update(id, status: .requiresPaymentMethod, card: number, failure: "Your card was declined.")
            throw PaymentError.declined(message: "Your card was declined.")
        default:
            let message =
                "Unknown test card. Use \(Card.succeeds) (succeeds), \(Card.declines) (declined) or "
                + "\(Card.requiresAuthentication) (asks for authentication)."
            _ = try await update(id, status: .requiresPaymentMethod, card: nil, failure: message)
            throw PaymentError.declined(message: message)
        }
    }

    /// The outcome of the test provider's authentication page (its stand-in for 3-D Secure).
    func completeAuthentication(id: String, approved: Bool) async throws -> PaymentState {
        let payment = try await require(id)
        guard payment.status == .requiresAction else { return payment }
        return try await update(
            id, status: approved ? .succeeded : .requiresPaymentMethod, card: nil,
            failure: approved ? nil : "Authentication failed.")
    }

    func retrievePayment(id: String) async throws -> PaymentState { try await require(id) }

    func capturePayment(id: String, amount: Int64?, idempotencyKey: String) async throws -> PaymentState {
        let payment = try await require(id)
        switch payment.status {
        case .succeeded: return payment
        case .requiresCapture: return try await update(id, status: .succeeded, card: nil, failure: nil)
        default:
            throw PaymentError.invalidRequest(message: "payment \(id) is \(payment.status.rawValue), not capturable")
        }
    }

    func cancelPayment(id: String, idempotencyKey: String) async throws -> PaymentState {
        let payment = try await require(id)
        switch payment.status {
        case .canceled: return payment
        case .succeeded: throw PaymentError.invalidRequest(message: "payment \(id) has succeeded; refund it instead")
        default: return try await update(id, status: .canceled, card: nil, failure: nil)
        }
    }

    func refund(paymentID: String, amount: Int64?, idempotencyKey: String) async throws -> PaymentRefund {
        let db = database()
        return try await db.transaction { tx in
            let sql = try tx.sql
            if let existing = try await sql.raw(
                "SELECT id, payment_id, amount FROM test_refunds WHERE idempotency_key = \(bind: idempotencyKey)"
            ).first() {
                return PaymentRefund(
                    id: try existing.decode(column: "id", as: String.self), paymentID: paymentID,
                    amount: try existing.decode(column: "amount", as: Int64.self), status: "succeeded")
            }
            guard
                let row = try await sql.raw(
                    "SELECT amount, amount_refunded, status FROM test_payments WHERE id = \(bind: paymentID)"
                ).first()
            else { throw PaymentError.invalidRequest(message: "no such payment: \(paymentID)") }
            guard try row.decode(column: "status", as: String.self) == PaymentState.Status.succeeded.rawValue else {
                throw PaymentError.invalidRequest(message: "payment \(paymentID) has not succeeded")
            }
            let refundable =
                try row.decode(column: "amount", as: Int64.self)
                - row.decode(column: "amount_refunded", as: Int64.self)
            let amount = amount ?? refundable
            guard amount > 0, amount <= refundable else {
                throw PaymentError.invalidRequest(message: "refund of \(amount) exceeds the \(refundable) refundable")
            }
            let refundID = "tr_" + SecretToken.generate().prefix(24)
            try await sql.raw(
                """
                INSERT INTO test_refunds (id, idempotency_key, payment_id, amount, created_at)
                VALUES (\(bind: refundID), \(bind: idempotencyKey), \(bind: paymentID), \(bind: amount), \(bind: Date()))
                """
            ).run()
            try await sql.raw(
                """
                UPDATE test_payments SET amount_refunded = amount_refunded + \(bind: amount), updated_at = \(bind: Date())
                WHERE id = \(bind: paymentID)
                """
            ).run()
            return PaymentRefund(id: refundID, paymentID: paymentID, amount: amount, status: "succeeded")
        }
    }

    func parseWebhook(payload: [UInt8], headers: HTTPHeaders, now: Date) throws -> PaymentEvent {
        guard let header = headers.first(name: Self.signatureHeader) else {
            throw PaymentError.invalidSignature(reason: "missing \(Self.signatureHeader) header")
        }
        var timestamp: TimeInterval?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = TimeInterval(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, !signatures.isEmpty else {
            throw PaymentError.invalidSignature(reason: "expected t=<unix time>,v1=<hex signature>")
        }
        guard abs(now.timeIntervalSince1970 - timestamp) <= Self.toleranceSeconds else {
            throw PaymentError.invalidSignature(
                reason: "timestamp outside the \(Int(Self.toleranceSeconds)) s tolerance")
        }
        let expected = Self.signature(payload: payload, timestamp: Int(timestamp), secret: webhookSecret)
        guard signatures.contains(where: { ConstantTime.equals($0, expected) }) else {
            throw PaymentError.invalidSignature(reason: "no signature matches")
        }
        struct Body: Decodable {
            struct Data: Decodable {
                var paymentId: String?
                var amountRefunded: Int64?
            }
            var id: String
            var type: String
            var data: Data
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: Foundation.Data(payload)) else {
            throw PaymentError.invalidSignature(reason: "payload is not a test-provider event")
        }
        let kind: PaymentEvent.Kind =
            switch body.type {
            case "payment.succeeded": .paymentSucceeded
            case "payment.failed": .paymentFailed
            case "payment.canceled": .paymentCanceled
            case "payment.refunded": .refunded
            default: .other(body.type)
            }
        return PaymentEvent(
            id: body.id, kind: kind, paymentID: body.data.paymentId, amountRefunded: body.data.amountRefunded)
    }

    /// `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<payload>">`: what a sender puts in the header.
    static func signatureHeaderValue(payload: [UInt8], timestamp: Int, secret: String) -> String {
        "t=\(timestamp),v1=\(signature(payload: payload, timestamp: timestamp, secret: secret))"
    }

    private static func signature(payload: [UInt8], timestamp: Int, secret: String) -> String {
        let signed = Array("\(timestamp).".utf8) + payload
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        return mac.hexString
    }

    private func require(_ id: String) async throws -> PaymentState {
        guard let payment = try await load(id: id) else {
            throw PaymentError.invalidRequest(message: "no such payment: \(id.prefix(64))")
        }
        return payment
    }

    private func update(
        _ id: String, status: PaymentState.Status, card: String?, failure: String?
    ) async throws -> PaymentState {
        try await database().sql.raw(
            """
            UPDATE test_payments SET status = \(bind: status.rawValue), failure_message = \(bind: failure),
              card_last4 = COALESCE(\(bind: card.map { String($0.suffix(4)) }), card_last4), updated_at = \(bind: Date())
            WHERE id = \(bind: id)
            """
        ).run()
        return try await require(id)
    }

    private func load(id: String) async throws -> PaymentState? {
        try await load(where: "id", equals: id)
    }

    private func load(idempotencyKey: String) async throws -> PaymentState? {
        try await load(where: "idempotency_key", equals: idempotencyKey)
    }

    private func load(where column: String, equals value: String) async throws -> PaymentState? {
        guard
            let row = try await database().sql.raw(
                """
                SELECT id, amount, currency, status, failure_message FROM test_payments
                WHERE \(ident: column) = \(bind: value)
                """
            ).first()
        else { return nil }
        let id = try row.decode(column: "id", as: String.self)
        let status = PaymentState.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .canceled
        return PaymentState(
            id: id, status: status, amount: try row.decode(column: "amount", as: Int64.self),
            currency: try row.decode(column: "currency", as: String.self), clientSecret: nil,
            nextActionURL: status == .requiresAction ? "/checkout/authenticate/\(id)" : nil,
            lastFailureMessage: try row.decode(column: "failure_message", as: String?.self))
    }
}
