import AWSClient
import AsyncHTTPClient
import Foundation
import MercatoTestSupport
import NIOCore
import NIOHTTP1
import Testing

/// `SendEmail` against a real `moto_server` (MERCATO_TEST_SES_ENDPOINT), reading what it delivered
/// back from `GET /moto-api/data.json`. Each test uses its own sender domain and recipient, so tests
/// run in parallel and need no reset.
@Suite("SES v2 against moto", .enabled(if: TestServices.sesEnabled))
struct SESv2IntegrationTests {
    static func client() throws -> (SESv2Client, String) {
        let endpoint = try #require(TestServices.sesEndpoint, TestServices.missing("MERCATO_TEST_SES_ENDPOINT"))
        let client = try SESv2Client(
            configuration: SESv2Configuration(region: "us-east-1", endpoint: endpoint),
            credentials: AWSCredentials(accessKeyID: "test", secretAccessKey: "test"), httpClient: HTTPClient.shared)
        return (client, endpoint)
    }

    /// Every message moto has accepted: `Message` (simple) and `RawMessage` entries of its SES state.
    static func delivered(at endpoint: String) async throws -> [[String: Any]] {
        let delivered = try await sesDeliveries(at: endpoint)
        return delivered.simple + delivered.raw
    }

    @Test("a simple message from a verified domain arrives with its UTF-8 subject and HTML body")
    func simpleMessage() async throws {
        // setup
        let (client, endpoint) = try Self.client()
        let domain = "shop-\(UUID().uuidString.prefix(8).lowercased()).example.com"
        try await client.createEmailIdentity(domain)
        let recipient = "ada-\(UUID().uuidString.prefix(8))@example.org"
        // MUT
        let id = try await client.sendEmail(
            SESv2Email(
                from: "Mercato <orders@\(domain)>", to: [recipient], replyTo: ["help@\(domain)"],
                content: .simple(subject: "Bestellung bestätigt – M-1001 ✓", text: "Danke!", html: "<p>Danke!</p>")))
        // validate
        #expect(!id.isEmpty)
        let message = try #require(try await Self.delivered(at: endpoint).first { $0["id"] as? String == id })
        #expect(message["subject"] as? String == "Bestellung bestätigt – M-1001 ✓")
        #expect(message["body"] as? String == "<p>Danke!</p>")
        #expect((message["destinations"] as? [String: [String]])?["ToAddresses"] == [recipient])
    }

    @Test("a raw MIME message arrives byte for byte")
    func rawMessage() async throws {
        let (client, endpoint) = try Self.client()
        let sender = "orders-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        try await client.createEmailIdentity(sender)
        let raw = "From: \(sender)\r\nTo: bob@example.org\r\nSubject: =?UTF-8?B?w6k=?=\r\n\r\nline one\r\n"
        let id = try await client.sendEmail(
            SESv2Email(from: sender, to: ["bob@example.org"], content: .raw(Array(raw.utf8))))
        let message = try #require(try await Self.delivered(at: endpoint).first { $0["id"] as? String == id })
        #expect(message["raw_data"] as? String == raw)
        #expect(message["source"] as? String == sender)
    }

    @Test("an unverified sender is MessageRejected, and nothing is delivered")
    func unverifiedSender() async throws {
        let (client, endpoint) = try Self.client()
        let sender = "nobody-\(UUID().uuidString.prefix(8).lowercased())@unverified.example"
        let error = await #expect(throws: AWSError.self) {
            try await client.sendEmail(
                SESv2Email(from: sender, to: ["ada@example.org"], content: .simple(subject: "x", text: "x", html: nil)))
        }
        #expect(error?.sesErrorCode == .messageRejected)
        #expect(error?.statusCode == 400)
        #expect(error?.description.contains(sender) == true)
        let delivered = try await Self.delivered(at: endpoint)
        #expect(!delivered.contains { ($0["source"] as? String)?.contains(sender) == true })
    }

    @Test("a message without recipients or without any body is refused before anything is sent")
    func invalidMessages() async throws {
        let (client, _) = try Self.client()
        await #expect(throws: AWSError.invalidRequest("a message needs at least one recipient")) {
            try await client.sendEmail(
                SESv2Email(from: "a@example.com", to: [], content: .simple(subject: "x", text: "x", html: nil)))
        }
        await #expect(throws: AWSError.invalidRequest("a message needs a text or HTML body")) {
            try await client.sendEmail(
                SESv2Email(
                    from: "a@example.com", to: ["b@example.com"], content: .simple(subject: "x", text: nil, html: nil)))
        }
    }

    @Test("without an endpoint the client talks to the regional SES host")
    func defaultEndpoint() throws {
        let client = try SESv2Client(
            configuration: SESv2Configuration(region: "eu-west-1"),
            credentials: AWSCredentials(accessKeyID: "a", secretAccessKey: "b"), httpClient: HTTPClient.shared)
        #expect(client.endpoint.origin == "https://email.eu-west-1.amazonaws.com")
    }
}
