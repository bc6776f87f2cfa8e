import Foundation
import Testing

@testable import Mercato

/// The wire format every mailer shares: headers a mail client reads, and lines any relay accepts.
@Suite struct MIMEMessageTests {
    private let message = EmailMessage(
        to: "\"Müller, Jörg\" <jorg@example.org>", from: "Mercato <orders@shop.example.com>",
        subject: "Ihre Bestellung M-1001 ist unterwegs — vielen Dank für Ihren Einkauf bei uns, wir freuen uns sehr",
        textBody: "Zeile 1\nZeile mit Leerzeichen am Ende   \n" + String(repeating: "é", count: 100) + "\n=gleich",
        htmlBody: "<p>" + String(repeating: "word ", count: 50) + "</p>")

    @Test func everyLineEndsInCRLFAndFitsInSeventySixCharacters() throws {
        let mime = try MIMEMessage(message)
        let text = String(decoding: mime.bytes, as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "too long: \(line)")
            #expect(line.utf8.allSatisfy { $0 < 0x80 }, "not 7-bit: \(line)")
        }
    }

    @Test func readsBackAsTheSameMessage() throws {
        let mime = try MIMEMessage(message, date: Date(timeIntervalSince1970: 1_795_726_856))
        let parsed = try ParsedEmail(String(decoding: mime.bytes, as: UTF8.self))
        #expect(parsed.header("Subject") == message.subject)
        #expect(parsed.header("To") == "Müller, Jörg <jorg@example.org>")
        #expect(parsed.header("Date") == "Thu, 26 Nov 2026 21:00:56 +0000")
        #expect(parsed.header("Message-ID") == mime.messageID)
        #expect(parsed.textBody == message.textBody)
        #expect(parsed.htmlBody == message.htmlBody)
    }

    @Test func anASCIISubjectStaysReadableAndADisplayNameWithSpecialsIsQuoted() throws {
        var plain = message
        plain.subject = "Order M-1001 confirmed"
        plain.to = "Ada \"The Countess\" Lovelace <ada@example.org>"
        let text = String(decoding: try MIMEMessage(plain).bytes, as: UTF8.self)
        #expect(text.contains("\r\nSubject: Order M-1001 confirmed\r\n"))
        #expect(text.contains("\r\nTo: \"Ada \\\"The Countess\\\" Lovelace\" <ada@example.org>\r\n"))
    }

    @Test(arguments: [
        ("to", "not an address"), ("to", "ada@example.org\r\nBcc: eve@example.org"), ("from", "shop@"),
        ("from", "Shop <shop@localhost>"), ("replyTo", "a b@example.org"),
    ])
    func refusesAddressesThatAreNotAddresses(field: String, value: String) {
        var bad = message
        switch field {
        case "to": bad.to = value
        case "from": bad.from = value
        default: bad.replyTo = value
        }
        #expect(throws: MailerError.self) { try MIMEMessage(bad) }
    }

    @Test func refusesALineBreakInTheSubject() {
        var bad = message
        bad.subject = "Hello\r\nBcc: eve@example.org"
        #expect(throws: MailerError.invalidMessage("the subject must not contain line breaks")) { try MIMEMessage(bad) }
    }
}

/// The development outbox: one readable file per message, listed in the order sent.
@Suite struct FileMailerTests {
    @Test func writesOneEmlFilePerMessageWithSortableNames() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let mailer = FileMailer(directory: directory.appendingPathComponent("outbox"))
        var message = EmailMessage(
            to: "ada@example.org", from: "orders@shop.example.com", subject: "Order M-1001 confirmed",
            textBody: "one", htmlBody: "<p>one</p>")
        let first = try mailer.write(message, at: Date(timeIntervalSince1970: 1_795_726_856.5))
        message.subject = "Bestätigung M-1002"
        let second = try mailer.write(message, at: Date(timeIntervalSince1970: 1_795_726_857))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("outbox").path)
        #expect(names.sorted() == [first.lastPathComponent, second.lastPathComponent])
        #expect(first.lastPathComponent.hasPrefix("20261126T210056.500Z-order-m-1001-confirmed-"))
        #expect(second.lastPathComponent.hasPrefix("20261126T210057.000Z-bestatigung-m-1002-"))
        #expect(first.pathExtension == "eml")
        let parsed = try ParsedEmail(try String(contentsOf: first, encoding: .utf8))
        #expect(parsed.textBody == "one")
    }

    @Test func anOutboxThatCannotBeWrittenIsUnavailable() async throws {
        let file = try TestSupport.temporaryDirectory().appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let mailer = FileMailer(directory: file)
        let error = await #expect(throws: MailerError.self) {
            try await mailer.send(
                EmailMessage(to: "a@example.org", from: "b@example.org", subject: "x", textBody: "x", htmlBody: "x"))
        }
        #expect(error?.isTransient == true)
    }
}
