import AWSClient
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The mail servers the mail suites use: `scripts/smtp-test-server` (MERCATO_TEST_SMTP_URL and
/// MERCATO_TEST_SMTP_MAILBOX, the folder it writes messages to) and `moto_server` for SES
/// (MERCATO_TEST_SES_ENDPOINT). Unset means skip, unless `MERCATO_REQUIRE_SERVICES=1`.
extension TestServices {
    static var smtpURL: String? { environment["MERCATO_TEST_SMTP_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    static var smtpMailbox: String? { environment["MERCATO_TEST_SMTP_MAILBOX"].flatMap { $0.isEmpty ? nil : $0 } }
    static var smtpEnabled: Bool { smtpURL != nil || required }
    static var sesEndpoint: String? { environment["MERCATO_TEST_SES_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } }
    static var sesEnabled: Bool { sesEndpoint != nil || required }

    static func smtpServer() throws -> (host: String, port: Int, mailbox: URL) {
        let hint: Comment =
            "MERCATO_REQUIRE_SERVICES=1 but MERCATO_TEST_SMTP_URL / MERCATO_TEST_SMTP_MAILBOX are not set: run scripts/smtp-test-server"
        let url = try #require(smtpURL.flatMap(URLComponents.init(string:)), hint)
        let mailbox = try #require(smtpMailbox, hint)
        return (try #require(url.host), url.port ?? 25, URL(fileURLWithPath: mailbox))
    }

    static func sesServer() throws -> String {
        try #require(
            sesEndpoint, "MERCATO_REQUIRE_SERVICES=1 but MERCATO_TEST_SES_ENDPOINT is not set: run moto_server")
    }

    /// The raw messages moto's SES has accepted, newest last.
    static func sesRawMessages(at endpoint: String) async throws -> [(
        source: String, destinations: [String], raw: String
    )] {
        let state = try await motoState(at: endpoint)
        let ses = state["ses"] as? [String: Any] ?? [:]
        return (ses["RawMessage"] as? [[String: Any]] ?? []).map {
            ($0["source"] as? String ?? "", $0["destinations"] as? [String] ?? [], $0["raw_data"] as? String ?? "")
        }
    }
}

/// moto's whole state. `data.json` walks live objects, so it can fail (500) while another suite
/// changes the same server; a few spaced tries get a consistent snapshot.
func motoState(at endpoint: String) async throws -> [String: Any] {
    var lastProblem = ""
    for attempt in 0..<8 {
        if attempt > 0 { try await Task.sleep(for: .milliseconds(200 * attempt)) }
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: endpoint + "/moto-api/data.json"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
        guard response.status == .ok,
            let state = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        else {
            lastProblem = "HTTP \(response.status.code): \(String(buffer: body).prefix(200))"
            continue
        }
        return state
    }
    throw MotoStateUnavailable(problem: lastProblem)
}

struct MotoStateUnavailable: Error, CustomStringConvertible {
    var problem: String
    var description: String { "moto /moto-api/data.json did not answer with JSON: \(problem)" }
}
