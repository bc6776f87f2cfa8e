import Foundation
import MercatoTestSupport
import Testing

/// The SMTP server the integration suites use (`scripts/smtp-test-server`; see `ServiceEnvironment`).
///
/// `MERCATO_TEST_SMTP_URL` (`smtp://127.0.0.1:PORT`) switches the suites on;
/// `MERCATO_TEST_SMTP_MAILBOX` is the folder the server writes received messages and its
/// certificate to.
enum TestServices {
    static var required: Bool { ServiceEnvironment.required }
    static var smtpEnabled: Bool { ServiceEnvironment.enabled("MERCATO_TEST_SMTP_URL") }

    static func smtpServer() throws -> (host: String, port: Int, mailbox: URL) {
        try SMTPTestServer.locate()
    }
}

/// One message as the test server stored it: its envelope lines, then the message as received.
struct ReceivedMail {
    var envelopeFrom: String
    var envelopeTo: String
    var authenticatedAs: String
    var overTLS: Bool
    /// The message with CRLF line ends, exactly as it arrived after the DATA terminator was removed.
    var message: String

    /// Finds the one stored message whose text contains `token`.
    static func find(containing token: String, in mailbox: URL) throws -> ReceivedMail {
        let names = try FileManager.default.contentsOfDirectory(atPath: mailbox.path).filter { $0.hasSuffix(".eml") }
        let matches = try names.compactMap { name -> String? in
            let text = try String(contentsOf: mailbox.appendingPathComponent(name), encoding: .utf8)
            return text.contains(token) ? text : nil
        }
        let text = try #require(matches.count == 1 ? matches.first : nil, "expected one message containing \(token)")
        var envelope: [String: String] = [:]
        var rest = Substring(text)
        for _ in 0..<4 {
            let end = try #require(rest.range(of: "\r\n"))
            let line = rest[..<end.lowerBound]
            let colon = try #require(line.firstIndex(of: ":"))
            envelope[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            rest = rest[end.upperBound...]
        }
        return ReceivedMail(
            envelopeFrom: envelope["X-Envelope-From"] ?? "", envelopeTo: envelope["X-Envelope-To"] ?? "",
            authenticatedAs: envelope["X-Authenticated-As"] ?? "", overTLS: envelope["X-TLS"] == "yes",
            message: String(rest))
    }
}
