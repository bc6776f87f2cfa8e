import Foundation
import MercatoTestSupport
import Testing

/// The `moto_server`s the AWS client suites use (see `ServiceEnvironment`).
enum TestServices {
    static var required: Bool { ServiceEnvironment.required }

    /// A `moto_server` used with signature checks off (its default).
    static var s3Endpoint: String? { ServiceEnvironment.value("MERCATO_TEST_S3_ENDPOINT") }
    static var s3Enabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_S3_ENDPOINT") }

    /// A second, dedicated `moto_server` whose authentication the tests switch on and off.
    static var s3AuthEndpoint: String? { ServiceEnvironment.value("MERCATO_TEST_S3_AUTH_ENDPOINT") }
    static var s3AuthEnabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_S3_AUTH_ENDPOINT") }

    /// A `moto_server` for Secrets Manager (it may be the same one as S3's).
    static var secretsEndpoint: String? { ServiceEnvironment.value("MERCATO_TEST_SECRETS_ENDPOINT") }
    static var secretsEnabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_SECRETS_ENDPOINT") }

    /// A `moto_server` for SES v2; it may be the same server as S3.
    static var sesEndpoint: String? { ServiceEnvironment.value("MERCATO_TEST_SES_ENDPOINT") }
    static var sesEnabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_SES_ENDPOINT") }

    static func missing(_ variable: String) -> Comment {
        ServiceEnvironment.missing(
            variable, start: "start `moto_server -p PORT` and export \(variable)=http://127.0.0.1:PORT")
    }
}

extension TestServices {
    /// moto serves STS on the same port as Secrets Manager.
    static var stsEndpoint: String? { secretsEndpoint }
    static var stsEnabled: Bool { secretsEnabled }
}
