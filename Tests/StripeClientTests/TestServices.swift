import Foundation
import MercatoTestSupport
import Testing

/// The real `localstripe` server the Stripe client suites use (see `ServiceEnvironment`).
enum TestServices {
    static var required: Bool { ServiceEnvironment.required }

    /// `http://127.0.0.1:PORT` of a `localstripe --port PORT`.
    static var stripeURL: String? { ServiceEnvironment.value("MERCATO_TEST_STRIPE_URL") }
    static var stripeEnabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_STRIPE_URL") }

    static let missingStripe = ServiceEnvironment.missing(
        "MERCATO_TEST_STRIPE_URL",
        start: "start `localstripe --port PORT --from-scratch` and export MERCATO_TEST_STRIPE_URL=http://127.0.0.1:PORT"
    )
}
