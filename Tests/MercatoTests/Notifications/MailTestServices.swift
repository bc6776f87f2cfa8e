import AWSClient
import AsyncHTTPClient
import Foundation
import MercatoTestSupport
import NIOCore
import NIOHTTP1
import Testing

/// The mail servers the mail suites use: `scripts/smtp-test-server` (MERCATO_TEST_SMTP_URL and
/// MERCATO_TEST_SMTP_MAILBOX, the folder it writes messages to) and `moto_server` for SES
/// (MERCATO_TEST_SES_ENDPOINT). Unset means skip, unless `MERCATO_REQUIRE_SERVICES=1`.
extension TestServices {
    static var smtpEnabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_SMTP_URL") }
    static var sesEndpoint: String? { ServiceEnvironment.value("MERCATO_TEST_SES_ENDPOINT") }
    static var sesEnabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_SES_ENDPOINT") }

    static func smtpServer() throws -> (host: String, port: Int, mailbox: URL) {
        try SMTPTestServer.locate()
    }

    static func sesServer() throws -> String {
        try ServiceEnvironment.require("MERCATO_TEST_SES_ENDPOINT", start: "start `moto_server -p PORT`")
    }

    /// The raw messages moto's SES has accepted, newest last.
    static func sesRawMessages(at endpoint: String) async throws -> [(
        source: String, destinations: [String], raw: String
    )] {
        return try await sesDeliveries(at: endpoint).raw.map {
            ($0["source"] as? String ?? "", $0["destinations"] as? [String] ?? [], $0["raw_data"] as? String ?? "")
        }
    }
}
