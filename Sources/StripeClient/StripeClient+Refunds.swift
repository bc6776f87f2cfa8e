import NIOHTTP1

extension StripeClient {
    /// `POST /v1/refunds` against a PaymentIntent's charge: `amount` nil refunds whatever is left,
    /// otherwise that many minor units (several partial refunds may follow one another).
    public func createRefund(
        paymentIntent: String, amount: Int64? = nil, metadata: [String: String] = [:], idempotencyKey: String
    ) async throws(StripeError) -> StripeRefund {
        var form = StripeForm()
        form.add("payment_intent", paymentIntent)
        form.add("amount", amount)
        form.add("metadata", dictionary: metadata)
        return try await send(.POST, path: "/v1/refunds", form: form, idempotencyKey: idempotencyKey)
    }

    /// `GET /v1/refunds/:id`.
    public func retrieveRefund(id: String) async throws(StripeError) -> StripeRefund {
        try await send(.GET, path: "/v1/refunds/\(Self.pathSegment(id))")
    }
}
