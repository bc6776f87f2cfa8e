import Crypto
import Foundation

/// Why a webhook delivery was refused.
public enum StripeWebhookError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No `Stripe-Signature` header: the request did not come from Stripe.
    case missingHeader
    /// The header is not `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`.
    case malformedHeader(String)
    /// No `v1` signature matches the payload under the endpoint secret: forged, altered, or signed
    /// with another endpoint's secret.
    case noMatchingSignature
    /// The signature is genuine but its timestamp is too far from now: a replayed old delivery, or
    /// a clock far off.
    case timestampOutsideTolerance(timestamp: Int64, now: Int64, tolerance: Int64)
    /// The signature is valid but the body is not an event.
    case invalidPayload(String)

    public var description: String {
        switch self {
        case .missingHeader: "missing Stripe-Signature header"
        case .malformedHeader(let reason): "malformed Stripe-Signature header: \(reason)"
        case .noMatchingSignature: "no signature matches the payload"
        case .timestampOutsideTolerance(let timestamp, let now, let tolerance):
            "timestamp \(timestamp) is \(abs(now - timestamp)) s from now, more than the \(tolerance) s tolerated"
        case .invalidPayload(let reason): "signed payload is not a Stripe event: \(reason)"
        }
    }
}

/// Checks that a webhook delivery was signed by Stripe with this endpoint's secret and recently.
///
/// Stripe signs `"<t>.<raw body>"` with HMAC-SHA256 under the endpoint secret (`whsec_…`) and sends
/// `Stripe-Signature: t=<t>,v1=<hex>`; while a secret is being rolled it sends one `v1` per active
/// secret, and any may match. The timestamp bounds replays: a captured delivery stops being
/// accepted after ``tolerance``. Verify the raw body bytes exactly as received — re-serialised JSON
/// would not match.
public struct StripeWebhookVerifier: Sendable {
    /// Stripe's own libraries' default.
    public static let defaultTolerance: Duration = .seconds(300)

    private let secret: SymmetricKey
    /// How far the signed timestamp may be from now, in either direction.
    public let tolerance: Duration
    /// The current time; injected so tests can move it.
    public let clock: @Sendable () -> Date

    /// Creates a verifier for one endpoint secret.
    public init(
        secret: String, tolerance: Duration = StripeWebhookVerifier.defaultTolerance,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.secret = SymmetricKey(data: Array(secret.utf8))
        self.tolerance = tolerance
        self.clock = clock
    }

    /// Verifies `payload` against the `Stripe-Signature` header value at the injected clock's time.
    public func verify(payload: some Collection<UInt8>, signatureHeader: String?) throws(StripeWebhookError) {
        try verify(payload: payload, signatureHeader: signatureHeader, at: clock())
    }

    /// Verifies `payload` against the `Stripe-Signature` header value as of `now`.
    public func verify(
        payload: some Collection<UInt8>, signatureHeader: String?, at now: Date
    ) throws(StripeWebhookError) {
        guard let signatureHeader, !signatureHeader.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .missingHeader
        }
        let header = try Self.parse(signatureHeader)
        let expected = Array(Self.mac(payload: payload, timestamp: header.timestamp, key: secret))
        // Every candidate is compared in full, whatever earlier ones did, so timing reveals nothing.
        var matched = false
        for candidate in header.signatures where Self.constantTimeEqual(candidate, expected) {
            matched = true
        }
        guard matched else { throw .noMatchingSignature }
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let toleranceSeconds = tolerance.components.seconds
        guard abs(nowSeconds - header.timestamp) <= toleranceSeconds else {
            throw .timestampOutsideTolerance(timestamp: header.timestamp, now: nowSeconds, tolerance: toleranceSeconds)
        }
    }

    /// Verifies the delivery, then decodes it as an event.
    public func event(
        payload: some Collection<UInt8>, signatureHeader: String?, at now: Date
    ) throws(StripeWebhookError) -> StripeEvent {
        try verify(payload: payload, signatureHeader: signatureHeader, at: now)
        do {
            return try JSONDecoder().decode(StripeEvent.self, from: Data(payload))
        } catch {
            throw .invalidPayload(String(describing: error))
        }
    }

    /// The header Stripe would send for `payload` at `timestamp`: for tests and for local tools
    /// that replay events.
    public static func signatureHeader(payload: some Collection<UInt8>, secret: String, timestamp: Int64) -> String {
        let mac = mac(payload: payload, timestamp: timestamp, key: SymmetricKey(data: Array(secret.utf8)))
        return "t=\(timestamp),v1=\(hex(mac))"
    }

    struct ParsedHeader {
        var timestamp: Int64
        /// The decoded `v1` values; entries that are not 32 bytes of hex are kept out (they cannot match).
        var signatures: [[UInt8]]
    }

    static func parse(_ header: String) throws(StripeWebhookError) -> ParsedHeader {
        var timestamp: Int64?
        var signatures: [[UInt8]] = []
        var sawV1 = false
        for item in header.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else {
                throw .malformedHeader("'\(item.prefix(40))' is not key=value")
            }
            let key = pair[0].trimmingCharacters(in: .whitespaces)
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            switch key {
            case "t":
                guard timestamp == nil else { throw .malformedHeader("more than one t") }
                guard let seconds = Int64(value), seconds >= 0 else {
                    throw .malformedHeader("t '\(value.prefix(20))' is not unix seconds")
                }
                timestamp = seconds
            case "v1":
                sawV1 = true
                if let bytes = bytes(fromHex: value), bytes.count == SHA256.byteCount {
                    signatures.append(bytes)
                }
            default:
                // v0 (test-mode legacy) and future schemes are ignored, as Stripe's libraries do.
                continue
            }
        }
        guard let timestamp else { throw .malformedHeader("no t=") }
        guard sawV1 else { throw .malformedHeader("no v1= signature") }
        return ParsedHeader(timestamp: timestamp, signatures: signatures)
    }

    static func mac(payload: some Collection<UInt8>, timestamp: Int64, key: SymmetricKey) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Array("\(timestamp).".utf8))
        hmac.update(data: Array(payload))
        return Array(hmac.finalize())
    }

    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }

    static func bytes(fromHex text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
