/// Every failure a ``StripeClient`` reports.
///
/// Stripe's answers (`.api`) are kept apart from failures to get an answer at all (`.transport`,
/// `.timeout`): a decline is final, whereas a reset connection is worth retrying with the same
/// idempotency key — which the client already did ``StripeConfiguration/maximumNetworkRetries`` times.
public enum StripeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stripe answered with an error object.
    case api(StripeAPIError)
    /// No HTTP answer arrived: connection refused or reset, TLS failure, DNS…
    case transport(description: String)
    /// An attempt did not complete within ``StripeConfiguration/timeout``.
    case timeout
    /// The task awaiting the request was cancelled.
    case cancelled
    /// An answer arrived that is not what the operation expects (not JSON, wrong shape, too large).
    case invalidResponse(String)
    /// The arguments cannot form a request (an empty idempotency key, a bad base URL); nothing was sent.
    case invalidRequest(String)

    /// The error object when Stripe answered.
    public var apiError: StripeAPIError? {
        if case .api(let error) = self { return error }
        return nil
    }

    /// Whether the card was declined (or failed a card check): the customer's problem, not ours.
    public var isCardError: Bool { apiError?.isCardError ?? false }

    /// Whether Stripe could not be reached or failed on its side (5xx): try again later, with the same key.
    public var isUnavailable: Bool {
        switch self {
        case .transport, .timeout: true
        case .api(let error): error.statusCode >= 500
        case .cancelled, .invalidResponse, .invalidRequest: false
        }
    }

    /// A one-line explanation for logs; it never contains the secret key.
    public var description: String {
        switch self {
        case .api(let error): error.description
        case .transport(let description): "Stripe transport error: \(description)"
        case .timeout: "Stripe request timed out"
        case .cancelled: "Stripe request cancelled"
        case .invalidResponse(let reason): "Invalid Stripe response: \(reason)"
        case .invalidRequest(let reason): "Invalid Stripe request: \(reason)"
        }
    }
}

/// Stripe's error object (`{"error": {"type": …, "code": …, …}}`) with the HTTP status it came with.
public struct StripeAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status: 400 invalid request, 401 bad key, 402 card declined, 404 unknown object, 5xx Stripe's side.
    public var statusCode: Int
    /// `card_error`, `invalid_request_error`, `api_error`, `idempotency_error`, `authentication_error`…
    public var type: String?
    /// A machine-readable reason such as `card_declined`, `resource_missing`, `amount_too_small`.
    public var code: String?
    /// For card errors, the issuer's reason: `insufficient_funds`, `lost_card`, `generic_decline`…
    public var declineCode: String?
    /// A human-readable message; for card errors Stripe words it to be shown to the customer.
    public var message: String?
    /// The request parameter the error is about, when there is one.
    public var param: String?
    /// The failed charge, for declines.
    public var chargeID: String?
    /// Stripe's `Request-Id` header: what Stripe support asks for.
    public var requestID: String?

    /// Creates an error value.
    public init(
        statusCode: Int, type: String? = nil, code: String? = nil, declineCode: String? = nil,
        message: String? = nil, param: String? = nil, chargeID: String? = nil, requestID: String? = nil
    ) {
        self.statusCode = statusCode
        self.type = type
        self.code = code
        self.declineCode = declineCode
        self.message = message
        self.param = param
        self.chargeID = chargeID
        self.requestID = requestID
    }

    /// Stripe types declines as `card_error`; `localstripe` answers 402 with the `card_declined` code
    /// but the generic type, so both are recognised.
    public var isCardError: Bool {
        type == "card_error" || declineCode != nil || (statusCode == 402 && code == "card_declined")
    }

    /// A one-line explanation for logs.
    public var description: String {
        let parts = [
            type, code.map { "code \($0)" }, declineCode.map { "decline \($0)" }, param.map { "param \($0)" },
            requestID.map { "request \($0)" },
        ].compactMap { $0 }
        return "Stripe error (HTTP \(statusCode)\(parts.isEmpty ? "" : ", " + parts.joined(separator: ", "))): "
            + (message ?? "no message")
    }
}
