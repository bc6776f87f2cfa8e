import Foundation
import StripeClient
import Testing

@Suite("Stripe webhook signatures")
struct StripeWebhookVerifierTests {
    /// Fixed vector, computed independently with Python's `hmac`:
    /// `hmac.new(b"whsec_test_mercato_fixed_vector", b"1700000000." + payload, hashlib.sha256).hexdigest()`.
    static let secret = "whsec_test_mercato_fixed_vector"
    static let timestamp: Int64 = 1_700_000_000
    static let payload = Array(
        (#"{"id":"evt_fixed","object":"event","type":"payment_intent.succeeded","created":1700000000,"#
            + #""data":{"object":{"id":"pi_fixed","object":"payment_intent","status":"succeeded","amount":4200,"#
            + #""currency":"eur"}}}"#).utf8)
    static let expectedSignature = "6e3382b101aa0ea0fc4523f7a325efc31766fcd70d4546a65ea0d7e1fa8f0806"
    /// The same payload and time signed with `whsec_other` (also from Python).
    static let otherSecretSignature = "b89fe9463e37421ed8c4ad125063578c82b80a1e95b68ad5828276e3fedb6447"

    static let signedAt = Date(timeIntervalSince1970: TimeInterval(timestamp))
    static let verifier = StripeWebhookVerifier(secret: secret, clock: { signedAt.addingTimeInterval(30) })

    @Test("The independently computed signature verifies, and signing reproduces it")
    func fixedVector() throws {
        #expect(throws: Never.self) {
            try Self.verifier.verify(
                payload: Self.payload, signatureHeader: "t=1700000000,v1=\(Self.expectedSignature)")
        }
        #expect(
            StripeWebhookVerifier.signatureHeader(payload: Self.payload, secret: Self.secret, timestamp: Self.timestamp)
                == "t=1700000000,v1=\(Self.expectedSignature)")
    }

    @Test("A verified delivery decodes into its event and object")
    func verifiedEventDecodes() throws {
        let event = try Self.verifier.event(
            payload: Self.payload, signatureHeader: "t=1700000000,v1=\(Self.expectedSignature)", at: Self.signedAt)
        #expect(event.id == "evt_fixed")
        #expect(event.type == "payment_intent.succeeded")
        #expect(event.objectKind == "payment_intent")
        let intent = try event.object(as: StripePaymentIntent.self)
        #expect(intent.id == "pi_fixed")
        #expect(intent.status == .succeeded)
        #expect(intent.amount == 4200)
    }

    @Test("A payload altered by one byte is refused")
    func tamperedPayload() {
        var tampered = Self.payload
        let index = tampered.firstIndex(of: UInt8(ascii: "4"))!  // amount 4200 → 9200
        tampered[index] = UInt8(ascii: "9")
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try Self.verifier.verify(payload: tampered, signatureHeader: "t=1700000000,v1=\(Self.expectedSignature)")
        }
    }

    @Test("A signature made with another endpoint's secret is refused")
    func wrongSecret() {
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try Self.verifier.verify(
                payload: Self.payload, signatureHeader: "t=1700000000,v1=\(Self.otherSecretSignature)")
        }
        let otherVerifier = StripeWebhookVerifier(secret: "whsec_other", clock: { Self.signedAt })
        #expect(throws: Never.self) {
            try otherVerifier.verify(
                payload: Self.payload, signatureHeader: "t=1700000000,v1=\(Self.otherSecretSignature)")
        }
    }

    @Test("A genuine signature moved to another timestamp is refused")
    func timestampIsSigned() {
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try Self.verifier.verify(
                payload: Self.payload, signatureHeader: "t=1700000001,v1=\(Self.expectedSignature)")
        }
    }

    @Test("Deliveries older or newer than the tolerance are refused; the edges are accepted")
    func timestampTolerance() {
        let header = "t=1700000000,v1=\(Self.expectedSignature)"
        let verifier = StripeWebhookVerifier(secret: Self.secret)
        #expect(verifier.tolerance == .seconds(300))
        for offset in [-300.0, 0, 299.9, 300] {
            #expect(throws: Never.self, "offset \(offset)") {
                try verifier.verify(payload: Self.payload, signatureHeader: header, at: Self.signedAt + offset)
            }
        }
        #expect(
            throws: StripeWebhookError.timestampOutsideTolerance(
                timestamp: 1_700_000_000, now: 1_700_000_301, tolerance: 300)
        ) {
            try verifier.verify(payload: Self.payload, signatureHeader: header, at: Self.signedAt + 301)
        }
        #expect(
            throws: StripeWebhookError.timestampOutsideTolerance(
                timestamp: 1_700_000_000, now: 1_699_999_699, tolerance: 300)
        ) {
            try verifier.verify(payload: Self.payload, signatureHeader: header, at: Self.signedAt - 301)
        }
        let strict = StripeWebhookVerifier(secret: Self.secret, tolerance: .seconds(10), clock: { Self.signedAt + 11 })
        #expect(throws: StripeWebhookError.self) {
            try strict.verify(payload: Self.payload, signatureHeader: header)
        }
    }

    @Test("Any of several v1 signatures may match (secret rotation); other schemes are ignored")
    func multipleSignatures() {
        let header =
            "t=1700000000, v0=\(Self.expectedSignature), v1=\(Self.otherSecretSignature), v1=\(Self.expectedSignature)"
        #expect(throws: Never.self) {
            try Self.verifier.verify(payload: Self.payload, signatureHeader: header)
        }
        let onlyV0 = "t=1700000000,v0=\(Self.expectedSignature),v1=\(Self.otherSecretSignature)"
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try Self.verifier.verify(payload: Self.payload, signatureHeader: onlyV0)
        }
    }

    @Test("A missing or malformed header is refused with a reason")
    func malformedHeaders() {
        #expect(throws: StripeWebhookError.missingHeader) {
            try Self.verifier.verify(payload: Self.payload, signatureHeader: nil)
        }
        #expect(throws: StripeWebhookError.missingHeader) {
            try Self.verifier.verify(payload: Self.payload, signatureHeader: "  ")
        }
        let malformed = [
            "garbage": "'garbage' is not key=value",
            "v1=\(Self.expectedSignature)": "no t=",
            "t=1700000000": "no v1= signature",
            "t=soon,v1=\(Self.expectedSignature)": "t 'soon' is not unix seconds",
            "t=1,t=1700000000,v1=\(Self.expectedSignature)": "more than one t",
        ]
        for (header, reason) in malformed {
            #expect(throws: StripeWebhookError.malformedHeader(reason), "\(header)") {
                try Self.verifier.verify(payload: Self.payload, signatureHeader: header)
            }
        }
        // Hex that is not a SHA-256 cannot match, but the header itself is well-formed.
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try Self.verifier.verify(payload: Self.payload, signatureHeader: "t=1700000000,v1=zz12")
        }
    }

    @Test("A correctly signed body that is not an event is refused as a payload problem")
    func signedNonEvent() {
        let body = Array(#"{"hello": "world"}"#.utf8)
        let header = StripeWebhookVerifier.signatureHeader(
            payload: body, secret: Self.secret, timestamp: Self.timestamp)
        #expect(throws: StripeWebhookError.self) {
            _ = try Self.verifier.event(payload: body, signatureHeader: header, at: Self.signedAt)
        }
    }
}
