import Foundation
import Testing

/// Which real servers the integration suites may use, read from the environment.
///
/// A suite runs when its endpoint variable is set. When `MERCATO_REQUIRE_SERVICES=1` it runs even
/// without one and fails with a message naming the variable, so CI can never pass by skipping.
enum TestServices {
    static let environment = ProcessInfo.processInfo.environment

    static var required: Bool { environment["MERCATO_REQUIRE_SERVICES"] == "1" }

    /// A `moto_server` used with signature checks off (its default).
    static var s3Endpoint: String? { value("MERCATO_TEST_S3_ENDPOINT") }

    /// A second, dedicated `moto_server` whose authentication the tests switch on and off.
    static var s3AuthEndpoint: String? { value("MERCATO_TEST_S3_AUTH_ENDPOINT") }

    static var s3Enabled: Bool { s3Endpoint != nil || required }

    /// A `moto_server` for Secrets Manager (it may be the same one as S3's).
    static var secretsEndpoint: String? { value("MERCATO_TEST_SECRETS_ENDPOINT") }
    static var secretsEnabled: Bool { secretsEndpoint != nil || required }
    /// A `moto_server` for SES v2 (`MERCATO_TEST_SES_ENDPOINT`); it may be the same server as S3.
    static var sesEndpoint: String? { value("MERCATO_TEST_SES_ENDPOINT") }
    static var sesEnabled: Bool { sesEndpoint != nil || required }
    static var s3AuthEnabled: Bool { s3AuthEndpoint != nil || required }

    static func missing(_ variable: String) -> Comment {
        let text =
            "MERCATO_REQUIRE_SERVICES=1 but \(variable) is not set: start `moto_server -p PORT` and export "
            + "\(variable)=http://127.0.0.1:PORT"
        return Comment(rawValue: text)
    }

    private static func value(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}
