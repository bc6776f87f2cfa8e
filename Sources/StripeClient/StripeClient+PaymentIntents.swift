import NIOHTTP1

/// What ``StripeClient/createPaymentIntent(_:idempotencyKey:)`` sends.
public struct StripePaymentIntentCreate: Sendable, Hashable {
    /// Minor units of `currency`; Stripe refuses amounts below its per-currency minimum.
    public var amount: Int64
    /// Lower-case ISO 4217 code.
    public var currency: String
    /// Restricts the intent to these method types (`card`). Naming them also keeps server-side
    /// confirmation free of the `return_url` that redirect-based methods would demand.
    public var paymentMethodTypes: [String]
    /// `manual` to authorise now and capture later; nil for Stripe's default (capture on success).
    public var captureMethod: String?
    public var paymentMethod: String?
    /// Confirms in the same call (needs `paymentMethod`).
    public var confirm: Bool?
    /// Up to 50 keys of your own, returned on every read and event (order ids, order numbers).
    public var metadata: [String: String]
    /// Where Stripe sends its receipt once the payment succeeds.
    public var receiptEmail: String?
    public var description: String?

    /// Creates the parameters.
    public init(
        amount: Int64, currency: String, paymentMethodTypes: [String] = ["card"], captureMethod: String? = nil,
        paymentMethod: String? = nil, confirm: Bool? = nil, metadata: [String: String] = [:],
        receiptEmail: String? = nil, description: String? = nil
    ) {
        self.amount = amount
        self.currency = currency
        self.paymentMethodTypes = paymentMethodTypes
        self.captureMethod = captureMethod
        self.paymentMethod = paymentMethod
        self.confirm = confirm
        self.metadata = metadata
        self.receiptEmail = receiptEmail
        self.description = description
    }

    /// The form Stripe receives.
    public var form: StripeForm {
        var form = StripeForm()
        form.add("amount", amount)
        form.add("currency", currency)
        form.add("payment_method_types", list: paymentMethodTypes)
        form.add("capture_method", captureMethod)
        form.add("payment_method", paymentMethod)
        form.add("confirm", confirm)
        form.add("metadata", dictionary: metadata)
        form.add("receipt_email", receiptEmail)
        form.add("description", description)
        return form
    }
}

/// What ``StripeClient/updatePaymentIntent(id:_:idempotencyKey:)`` changes; nil fields stay as they are.
public struct StripePaymentIntentUpdate: Sendable, Hashable {
    public var amount: Int64?
    public var paymentMethod: String?
    /// Keys to add or overwrite; keys not named keep their values.
    public var metadata: [String: String]
    public var receiptEmail: String?
    public var description: String?

    /// Creates the parameters.
    public init(
        amount: Int64? = nil, paymentMethod: String? = nil, metadata: [String: String] = [:],
        receiptEmail: String? = nil, description: String? = nil
    ) {
        self.amount = amount
        self.paymentMethod = paymentMethod
        self.metadata = metadata
        self.receiptEmail = receiptEmail
        self.description = description
    }

    /// The form Stripe receives.
    public var form: StripeForm {
        var form = StripeForm()
        form.add("amount", amount)
        form.add("payment_method", paymentMethod)
        form.add("metadata", dictionary: metadata)
        form.add("receipt_email", receiptEmail)
        form.add("description", description)
        return form
    }
}

/// What ``StripeClient/confirmPaymentIntent(id:_:idempotencyKey:)`` sends; all optional, so an
/// intent whose payment method is already attached confirms with an empty body.
public struct StripePaymentIntentConfirm: Sendable, Hashable {
    public var paymentMethod: String?
    /// Where the customer comes back after authenticating; when set, a bank challenge is returned as
    /// `next_action.redirect_to_url` instead of being left to Stripe.js.
    public var returnURL: String?

    /// Creates the parameters.
    public init(paymentMethod: String? = nil, returnURL: String? = nil) {
        self.paymentMethod = paymentMethod
        self.returnURL = returnURL
    }

    /// The form Stripe receives.
    public var form: StripeForm {
        var form = StripeForm()
        form.add("payment_method", paymentMethod)
        form.add("return_url", returnURL)
        return form
    }
}

extension StripeClient {
    /// `POST /v1/payment_intents`.
    public func createPaymentIntent(
        _ parameters: StripePaymentIntentCreate, idempotencyKey: String
    ) async throws(StripeError) -> StripePaymentIntent {
        try await send(.POST, path: "/v1/payment_intents", form: parameters.form, idempotencyKey: idempotencyKey)
    }

    /// `GET /v1/payment_intents/:id`: the intent as Stripe knows it now.
    public func retrievePaymentIntent(id: String) async throws(StripeError) -> StripePaymentIntent {
        try await send(.GET, path: "/v1/payment_intents/\(Self.pathSegment(id))")
    }

    /// `POST /v1/payment_intents/:id`.
    public func updatePaymentIntent(
        id: String, _ parameters: StripePaymentIntentUpdate, idempotencyKey: String
    ) async throws(StripeError) -> StripePaymentIntent {
        try await send(
            .POST, path: "/v1/payment_intents/\(Self.pathSegment(id))", form: parameters.form,
            idempotencyKey: idempotencyKey)
    }

    /// `POST /v1/payment_intents/:id/confirm`. A declined card throws ``StripeError/api(_:)`` with
    /// ``StripeAPIError/isCardError``; a bank challenge returns the intent in `requires_action`.
    public func confirmPaymentIntent(
        id: String, _ parameters: StripePaymentIntentConfirm = StripePaymentIntentConfirm(), idempotencyKey: String
    ) async throws(StripeError) -> StripePaymentIntent {
        try await send(
            .POST, path: "/v1/payment_intents/\(Self.pathSegment(id))/confirm", form: parameters.form,
            idempotencyKey: idempotencyKey)
    }

    /// `POST /v1/payment_intents/:id/capture` for an intent in `requires_capture`; `amountToCapture`
    /// nil captures everything authorised, less releases the rest.
    public func capturePaymentIntent(
        id: String, amountToCapture: Int64? = nil, idempotencyKey: String
    ) async throws(StripeError) -> StripePaymentIntent {
        var form = StripeForm()
        form.add("amount_to_capture", amountToCapture)
        return try await send(
            .POST, path: "/v1/payment_intents/\(Self.pathSegment(id))/capture", form: form,
            idempotencyKey: idempotencyKey)
    }

    /// `POST /v1/payment_intents/:id/cancel` for an intent that has not succeeded.
    /// - Parameter cancellationReason: `duplicate`, `fraudulent`, `requested_by_customer` or `abandoned`.
    public func cancelPaymentIntent(
        id: String, cancellationReason: String? = nil, idempotencyKey: String
    ) async throws(StripeError) -> StripePaymentIntent {
        var form = StripeForm()
        form.add("cancellation_reason", cancellationReason)
        return try await send(
            .POST, path: "/v1/payment_intents/\(Self.pathSegment(id))/cancel", form: form,
            idempotencyKey: idempotencyKey)
    }
}
