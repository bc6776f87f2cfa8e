import AWSClient
import AsyncHTTPClient
import Foundation
import Logging
import NIOSSL
import SMTPClient
import Testing

@testable import Mercato

/// One contract every mailer that delivers keeps (file outbox, SMTP, SES v2): a message with a
/// non-ASCII subject and both bodies arrives where that adapter delivers, and reads back intact in a
/// mail client's eyes.
@Suite struct MailerContractTests {
    enum Adapter: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case file, smtp, ses
        var testDescription: String { rawValue }
        static var available: [Adapter] {
            [.file] + (TestServices.smtpEnabled ? [.smtp] : []) + (TestServices.sesEnabled ? [.ses] : [])
        }
    }

    /// A mailer of the adapter, and a way to read back the one message sent to `recipient`.
    struct Harness {
        var mailer: any Mailer
        /// `nil` when nothing was delivered to `recipient`.
        var readBack: @Sendable (_ recipient: String) async throws -> String?
        var cleanUp: @Sendable () -> Void = {}
    }

    /// Each run gets its own sender domain, so SES verification and read-back never collide.
    static let senderDomain = "shop-\(UUID().uuidString.prefix(8).lowercased()).example.com"

    private func harness(_ adapter: Adapter) async throws -> Harness {
        switch adapter {
        case .file:
            let directory = try TestSupport.temporaryDirectory()
            return Harness(
                mailer: FileMailer(directory: directory),
                readBack: { recipient in
                    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                    let texts = try names.map {
                        try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)
                    }
                    return texts.first { $0.contains(recipient) }
                },
                cleanUp: { try? FileManager.default.removeItem(at: directory) })
        case .smtp:
            let server = try TestServices.smtpServer()
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(server.mailbox.appendingPathComponent("cert.pem").path)
            let client = SMTPClient(
                configuration: SMTPConfiguration(
                    host: server.host, port: server.port, security: .startTLS(tls),
                    credentials: .init(username: "mercato", password: "mercato-smtp"), replyTimeout: .seconds(5)))
            return Harness(
                mailer: SMTPMailer(client: client),
                readBack: { recipient in
                    let names = try FileManager.default.contentsOfDirectory(atPath: server.mailbox.path)
                        .filter { $0.hasSuffix(".eml") }
                    let texts = try names.map {
                        try String(contentsOf: server.mailbox.appendingPathComponent($0), encoding: .utf8)
                    }
                    // The test server puts four envelope lines before the message as received.
                    return texts.first { $0.contains("X-Envelope-To: \(recipient)") }
                        .map { $0.components(separatedBy: "\r\n").dropFirst(4).joined(separator: "\r\n") }
                })
        case .ses:
            let endpoint = try TestServices.sesServer()
            let client = try SESv2Client(
                configuration: SESv2Configuration(region: "us-east-1", endpoint: endpoint),
                credentials: AWSCredentials(accessKeyID: "test", secretAccessKey: "test"),
                httpClient: HTTPClient.shared)
            try await client.createEmailIdentity(Self.senderDomain)
            return Harness(
                mailer: SESMailer(client: client),
                readBack: { recipient in
                    let messages = try await TestServices.sesRawMessages(at: endpoint)
                    return messages.first { $0.destinations.contains(recipient) }?.raw
                })
        }
    }

    @Test(arguments: Adapter.available)
    func deliversANonASCIISubjectAndBothBodies(adapter: Adapter) async throws {
        // setup
        let harness = try await harness(adapter)
        defer { harness.cleanUp() }
        let recipient = "ada-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let subject = "Bestellung M-1001 bestätigt ✓ – Ihre Lieferung über 3 Pakete, 注文ありがとうございます, straße"
        let text =
            "Hallo Zoë,\n\n.Eine Zeile mit Punkt am Anfang\n2 × Kaffeebohnen à €12.00 = €24.00\n"
            + String(repeating: "lang ", count: 40) + "Ende"
        let html = "<p>Hallo Zoë, <a href=\"https://shop.example.com/orders/M-1001?x=1&amp;y=2\">Bestellung</a> 🎉</p>"
        let message = EmailMessage(
            to: "Ada Lovelace <\(recipient)>", from: "Mercato Shop <orders@\(Self.senderDomain)>",
            replyTo: "help@\(Self.senderDomain)", subject: subject, textBody: text, htmlBody: html)
        // MUT
        try await harness.mailer.send(message)
        // validate
        let raw = try #require(try await harness.readBack(recipient), "nothing was delivered to \(recipient)")
        let delivered = try ParsedEmail(raw)
        #expect(delivered.header("Subject") == subject)
        #expect(delivered.header("From") == "Mercato Shop <orders@\(Self.senderDomain)>")
        #expect(delivered.header("To") == "Ada Lovelace <\(recipient)>")
        #expect(delivered.header("Reply-To") == "help@\(Self.senderDomain)")
        #expect(delivered.header("Message-ID")?.hasSuffix("@\(Self.senderDomain)>") == true)
        #expect(delivered.header("Date") != nil)
        #expect(delivered.header("MIME-Version") == "1.0")
        #expect(delivered.textBody == text)
        #expect(delivered.htmlBody == html)
    }

    @Test(arguments: Adapter.available)
    func refusesAnAddressThatWouldAddHeadersAndDeliversNothing(adapter: Adapter) async throws {
        let harness = try await harness(adapter)
        defer { harness.cleanUp() }
        let recipient = "eve-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let message = EmailMessage(
            to: "\(recipient)\r\nBcc: victim@example.org", from: "orders@\(Self.senderDomain)", subject: "Hi",
            textBody: "x", htmlBody: "<p>x</p>")
        await #expect(throws: MailerError.invalidMessage("to must not contain line breaks or control characters")) {
            try await harness.mailer.send(message)
        }
        let delivered = try await harness.readBack(recipient)
        #expect(delivered == nil)
    }
}

/// How each delivering adapter reports a refusal: permanent, so the job queue stops retrying.
@Suite struct MailerRefusalTests {
    @Test(.enabled(if: TestServices.smtpEnabled)) func smtpRecipientRefusalIsRejected() async throws {
        let server = try TestServices.smtpServer()
        let mailer = SMTPMailer(
            client: SMTPClient(configuration: SMTPConfiguration(host: server.host, port: server.port, security: .none)))
        let error = await #expect(throws: MailerError.self) {
            try await mailer.send(
                EmailMessage(
                    to: "nobody@reject.invalid", from: "orders@example.com", subject: "x", textBody: "x",
                    htmlBody: "x"))
        }
        guard case .rejected(let reason) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason.contains("550"))
        #expect(error?.isTransient == false)
    }

    @Test(.enabled(if: TestServices.smtpEnabled)) func smtpServerDownIsUnavailable() async throws {
        let mailer = SMTPMailer(
            client: SMTPClient(
                configuration: SMTPConfiguration(
                    host: "127.0.0.1", port: 1, security: .none, connectTimeout: .seconds(2))))
        let error = await #expect(throws: MailerError.self) {
            try await mailer.send(
                EmailMessage(
                    to: "a@example.org", from: "orders@example.com", subject: "x", textBody: "x", htmlBody: "x"))
        }
        #expect(error?.isTransient == true)
    }

    @Test(.enabled(if: TestServices.sesEnabled)) func sesUnverifiedSenderIsRejected() async throws {
        let client = try SESv2Client(
            configuration: SESv2Configuration(region: "us-east-1", endpoint: try TestServices.sesServer()),
            credentials: AWSCredentials(accessKeyID: "test", secretAccessKey: "test"), httpClient: HTTPClient.shared)
        let error = await #expect(throws: MailerError.self) {
            try await SESMailer(client: client).send(
                EmailMessage(
                    to: "a@example.org", from: "orders@unverified-\(UUID().uuidString.prefix(6)).example",
                    subject: "x", textBody: "x", htmlBody: "x"))
        }
        guard case .rejected(let reason) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason.contains("MessageRejected"))
    }
}
