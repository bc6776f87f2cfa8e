import Foundation
import NIOSSL
import SMTPClient
import Testing

/// The client against a real SMTP server (aiosmtpd), reading every message back from its mailbox.
/// Serialized: two TLS sessions at once against the single-threaded test server on a loaded CI
/// machine now and then ended with the server closing the connection after ten seconds.
@Suite(.enabled(if: TestServices.smtpEnabled), .serialized) struct SMTPIntegrationTests {
    private func configuration(
        security: SMTPConfiguration.Security = .none, credentials: SMTPConfiguration.Credentials? = nil,
        mechanisms: [SMTPConfiguration.AuthenticationMechanism] = [.plain, .login]
    ) throws -> SMTPConfiguration {
        let server = try TestServices.smtpServer()
        return SMTPConfiguration(
            host: server.host, port: server.port, security: security, credentials: credentials,
            authenticationMechanisms: mechanisms, clientName: "mercato.test", replyTimeout: .seconds(5))
    }

    private func trustingTestServer() throws -> SMTPConfiguration.Security {
        var tls = TLSConfiguration.makeClientConfiguration()
        let certificate = try TestServices.smtpServer().mailbox.appendingPathComponent("cert.pem").path
        tls.trustRoots = .file(certificate)
        return .startTLS(tls)
    }

    private func message(token: String, body: String) -> [UInt8] {
        let text = "From: shop@example.com\r\nTo: ada@example.com\r\nSubject: \(token)\r\n\r\n\(body)"
        return Array(text.utf8)
    }

    @Test func deliversTheMessageWithDotStuffingUndoneAndLineEndsNormalised() async throws {
        // setup
        let token = "plain-\(UUID().uuidString)"
        let body = ".starts with a dot\r\n..two dots\n.\nbare LF line\r\nlast line"
        // MUT
        let reply = try await SMTPClient(configuration: try configuration())
            .send(
                from: "shop@example.com", to: ["ada@example.com", "bob@example.com"],
                message: message(token: token, body: body))
        // validate
        #expect(reply.code == 250)
        let received = try ReceivedMail.find(containing: token, in: try TestServices.smtpServer().mailbox)
        #expect(received.envelopeFrom == "shop@example.com")
        #expect(received.envelopeTo == "ada@example.com, bob@example.com")
        #expect(!received.overTLS)
        #expect(received.authenticatedAs == "")
        #expect(
            received.message.hasSuffix("\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nbare LF line\r\nlast line\r\n")
        )
    }

    @Test func upgradesWithStartTLSBeforeSending() async throws {
        let token = "tls-\(UUID().uuidString)"
        try await SMTPClient(configuration: try configuration(security: trustingTestServer()))
            .send(from: "shop@example.com", to: ["ada@example.com"], message: message(token: token, body: "hi"))
        let received = try ReceivedMail.find(containing: token, in: try TestServices.smtpServer().mailbox)
        #expect(received.overTLS)
    }

    @Test func refusesAServerCertificateItDoesNotTrust() async throws {
        let client = SMTPClient(configuration: try configuration(security: .startTLS))
        let error = await #expect(throws: SMTPError.self) {
            try await client.send(
                from: "shop@example.com", to: ["ada@example.com"], message: message(token: "x", body: "x"))
        }
        guard case .tls = error else { Issue.record("expected a TLS error, got \(String(describing: error))"); return }
    }

    @Test(arguments: [SMTPConfiguration.AuthenticationMechanism.plain, .login])
    func logsInWithEachMechanism(mechanism: SMTPConfiguration.AuthenticationMechanism) async throws {
        let token = "auth-\(mechanism.rawValue)-\(UUID().uuidString)"
        let credentials = SMTPConfiguration.Credentials(username: "mercato", password: "mercato-smtp")
        try await SMTPClient(
            configuration: try configuration(
                security: trustingTestServer(), credentials: credentials, mechanisms: [mechanism])
        ).send(from: "shop@example.com", to: ["ada@example.com"], message: message(token: token, body: "hi"))
        let received = try ReceivedMail.find(containing: token, in: try TestServices.smtpServer().mailbox)
        #expect(received.authenticatedAs == "mercato")
        #expect(received.overTLS)
    }

    @Test(arguments: [SMTPConfiguration.AuthenticationMechanism.plain, .login])
    func aWrongPasswordIsAnAuthenticationFailureWithTheServersCode(
        mechanism: SMTPConfiguration.AuthenticationMechanism
    ) async throws {
        let credentials = SMTPConfiguration.Credentials(username: "mercato", password: "wrong")
        let client = SMTPClient(
            configuration: try configuration(credentials: credentials, mechanisms: [mechanism]))
        let token = "nope-\(UUID().uuidString)"
        let error = await #expect(throws: SMTPError.self) {
            try await client.send(
                from: "shop@example.com", to: ["ada@example.com"], message: message(token: token, body: "x"))
        }
        guard case .authenticationFailed(let reply) = error else {
            Issue.record("expected authenticationFailed, got \(String(describing: error))")
            return
        }
        #expect(reply.code == 535)
        #expect(error?.isTransient == false)
        #expect(error?.description.contains("wrong") == false)
        let names = try FileManager.default.contentsOfDirectory(atPath: TestServices.smtpServer().mailbox.path)
        let stored = try names.filter { $0.hasSuffix(".eml") }.map {
            try String(contentsOf: TestServices.smtpServer().mailbox.appendingPathComponent($0), encoding: .utf8)
        }
        #expect(!stored.contains { $0.contains(token) })
    }

    @Test func aRejectedRecipientCarriesTheReplyCodeAndText() async throws {
        let client = SMTPClient(configuration: try configuration())
        let error = await #expect(throws: SMTPError.self) {
            try await client.send(
                from: "shop@example.com", to: ["ada@example.com", "nobody@reject.invalid"],
                message: message(token: "rejected", body: "x"))
        }
        guard case .rejected(let command, let reply) = error else {
            Issue.record("expected rejected, got \(String(describing: error))")
            return
        }
        #expect(command == "RCPT TO:<nobody@reject.invalid>")
        #expect(reply.code == 550)
        #expect(reply.text.contains("mailbox unavailable"))
        #expect(error?.replyCode == 550)
    }

    @Test func anAddressThatCouldInjectCommandsIsRefusedBeforeAnythingIsSent() async throws {
        let client = SMTPClient(configuration: try configuration())
        await #expect(
            throws: SMTPError.invalidMessage(
                "'ada@example.com>\r\nRCPT TO:<eve@example.com' contains spaces, control characters or angle brackets")
        ) {
            try await client.send(
                from: "shop@example.com", to: ["ada@example.com>\r\nRCPT TO:<eve@example.com"],
                message: message(token: "x", body: "x"))
        }
    }
}
