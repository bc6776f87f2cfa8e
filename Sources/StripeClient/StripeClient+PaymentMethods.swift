import NIOHTTP1

extension StripeClient {
    /// `POST /v1/payment_methods` with raw card details.
    ///
    /// Only for tests against `localstripe` and Stripe test mode: in production the card is
    /// collected by Stripe.js in the browser, and sending raw numbers from a server needs PCI
    /// approval Stripe grants case by case.
    public func createCardPaymentMethod(
        _ card: StripeCardDetails, idempotencyKey: String
    ) async throws(StripeError) -> StripePaymentMethod {
        var form = StripeForm()
        form.add("type", "card")
        form.add(
            "card",
            dictionary: [
                "number": card.number, "exp_month": String(card.expMonth), "exp_year": String(card.expYear),
                "cvc": card.cvc,
            ])
        return try await send(.POST, path: "/v1/payment_methods", form: form, idempotencyKey: idempotencyKey)
    }
}
