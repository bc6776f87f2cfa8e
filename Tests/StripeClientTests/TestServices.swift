import Foundation
import Testing

/// The real `localstripe` server the integration suites use, read from the environment.
///
/// A suite runs when MERCATO_TEST_STRIPE_URL is set. When `MERCATO_REQUIRE_SERVICES=1` it runs even
/// without it and fails with a message naming the variable, so CI can never pass by skipping.
enum TestServices {
    static let environment = ProcessInfo.processInfo.environment

    static var required: Bool { environment["MERCATO_REQUIRE_SERVICES"] == "1" }

    /// `http://127.0.0.1:PORT` of a `localstripe --port PORT`.
    static var stripeURL: String? {
        guard let value = environment["MERCATO_TEST_STRIPE_URL"], !value.isEmpty else { return nil }
        return value
    }

    static var stripeEnabled: Bool { stripeURL != nil || required }

    static let missingStripe = Comment(
        rawValue: "MERCATO_REQUIRE_SERVICES=1 but MERCATO_TEST_STRIPE_URL is not set: start "
            + "`localstripe --port PORT --from-scratch` and export MERCATO_TEST_STRIPE_URL=http://127.0.0.1:PORT")
}
