import Foundation
import Testing
import Vapor

@testable import Mercato

/// The three transactional emails: both parts carry the data, HTML escapes what customers typed,
/// and `EmailDelivery` hands the result to the configured mailer.
@Suite struct EmailTemplateTests {
    static let hostileName = "Zoë <script>alert(1)</script> & \"Co\""
    static let lines = [
        EmailOrderLine(
            name: "Espresso Beans <Dark & Oily>", sku: "COF-001", quantity: 2, unitPrice: "€12.00", lineTotal: "€24.00"),
        EmailOrderLine(name: "Grinder", sku: "GRD-9", quantity: 1, unitPrice: "€89.50", lineTotal: "€89.50"),
    ]
    static let confirmation = OrderConfirmationEmail(
        orderNumber: "M-1001", customerName: hostileName, lines: lines, subtotal: "€113.50", discount: "-€5.00",
        shipping: "€4.90", tax: "€18.12", total: "€113.40",
        shippingAddress: ["Zoë Müller", "Hauptstraße 5 <b>", "10115 Berlin", "Germany"],
        orderURL: "https://shop.example.com/account/orders/M-1001?ref=email&x=1")

    private func withTestingApp(
        outbox: URL? = nil, _ body: (Application) async throws -> Void
    ) async throws {
        var settings = try TestSupport.settings()
        if let outbox {
            settings.adapters.mailer = .file
            settings.mail.outboxDirectory = outbox.path
        }
        try await TestSupport.withApp(settings, migrate: false, body)
    }

    @Test func orderConfirmationCarriesEveryLineTotalsAndLinks() async throws {
        try await withTestingApp { app in
            // MUT
            let message = try await EmailDelivery.render(
                EmailJob(to: "zoe@example.org", template: .orderConfirmation(Self.confirmation)), on: app)
            // validate
            #expect(message.subject == "Order M-1001 confirmed")
            #expect(message.from == "Mercato <orders@mercato.test>")
            #expect(message.to == "zoe@example.org")
            for part in [message.textBody, message.htmlBody] {
                for needle in [
                    "M-1001", "COF-001", "GRD-9", "€24.00", "€89.50", "€113.50", "-€5.00", "€4.90", "€18.12", "€113.40",
                    "10115 Berlin",
                ] {
                    #expect(part.contains(needle), "missing \(needle)")
                }
            }
            #expect(
                message.htmlBody.contains("href=\"https://shop.example.com/account/orders/M-1001?ref=email&amp;x=1\""))
            #expect(message.textBody.contains("https://shop.example.com/account/orders/M-1001?ref=email&x=1"))
            #expect(message.textBody.contains("2 x Espresso Beans <Dark & Oily> (SKU COF-001), €12.00 each  =  €24.00"))
        }
    }

    @Test func htmlEscapesCustomerTextWhileTheTextPartKeepsItAsTyped() async throws {
        try await withTestingApp { app in
            let message = try await EmailDelivery.render(
                EmailJob(to: "zoe@example.org", template: .orderConfirmation(Self.confirmation)), on: app)
            #expect(!message.htmlBody.contains("<script>"))
            #expect(message.htmlBody.contains("Zoë &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"))
            #expect(message.htmlBody.contains("Espresso Beans &lt;Dark &amp; Oily&gt;"))
            #expect(message.htmlBody.contains("Hauptstraße 5 &lt;b&gt;"))
            #expect(message.textBody.contains("Thank you for your order, \(Self.hostileName)!"))
            #expect(!message.textBody.contains("&lt;"))
            #expect(!message.textBody.contains("&amp;"))
        }
    }

    @Test func aDiscountLineAppearsOnlyWhenThereIsOne() async throws {
        var noDiscount = Self.confirmation
        noDiscount.discount = nil
        try await withTestingApp { app in
            let message = try await EmailDelivery.render(
                EmailJob(to: "zoe@example.org", template: .orderConfirmation(noDiscount)), on: app)
            #expect(!message.htmlBody.contains("Discount"))
            #expect(!message.textBody.contains("Discount"))
        }
    }

    @Test func shippingNotificationShowsCarrierTrackingAndLines() async throws {
        let email = ShippingNotificationEmail(
            orderNumber: "M-1002", customerName: "Ada", carrier: "DHL", trackingNumber: "JD0146000012345",
            trackingURL: "https://track.example.com/?id=JD0146000012345&lang=en", lines: Self.lines,
            orderURL: "https://shop.example.com/account/orders/M-1002")
        try await withTestingApp { app in
            let message = try await EmailDelivery.render(
                EmailJob(to: "ada@example.org", template: .shippingNotification(email)), on: app)
            #expect(message.subject == "Order M-1002 has shipped")
            for part in [message.textBody, message.htmlBody] {
                for needle in [
                    "M-1002", "DHL", "JD0146000012345", "COF-001", "GRD-9",
                    "https://shop.example.com/account/orders/M-1002",
                ] {
                    #expect(part.contains(needle), "missing \(needle)")
                }
            }
            #expect(message.htmlBody.contains("href=\"https://track.example.com/?id=JD0146000012345&amp;lang=en\""))
            #expect(
                message.textBody.contains("Track your parcel: https://track.example.com/?id=JD0146000012345&lang=en"))
        }
    }

    @Test func shippingNotificationWithoutTrackingLeavesThoseLinesOut() async throws {
        let email = ShippingNotificationEmail(
            orderNumber: "M-1003", customerName: "Ada", carrier: nil, trackingNumber: nil, trackingURL: nil,
            lines: Self.lines, orderURL: "https://shop.example.com/account/orders/M-1003")
        try await withTestingApp { app in
            let message = try await EmailDelivery.render(
                EmailJob(to: "ada@example.org", template: .shippingNotification(email)), on: app)
            #expect(message.textBody.contains("Order M-1003 has shipped."))
            #expect(!message.textBody.contains("Tracking"))
            #expect(!message.htmlBody.contains("Track your parcel"))
        }
    }

    @Test func passwordResetCarriesTheLinkAndExpiry() async throws {
        let email = PasswordResetEmail(
            customerName: Self.hostileName, resetURL: "https://shop.example.com/reset?token=abc&u=1",
            expiresInMinutes: 30)
        try await withTestingApp { app in
            let message = try await EmailDelivery.render(
                EmailJob(to: "ada@example.org", template: .passwordReset(email)), on: app)
            #expect(message.subject == "Reset your password")
            #expect(message.htmlBody.contains("href=\"https://shop.example.com/reset?token=abc&amp;u=1\""))
            #expect(message.textBody.contains("\nhttps://shop.example.com/reset?token=abc&u=1\n"))
            #expect(message.htmlBody.contains("30 minutes"))
            #expect(message.textBody.contains("30 minutes"))
            #expect(!message.htmlBody.contains("<script>"))
            #expect(message.textBody.contains("Hello \(Self.hostileName),"))
        }
    }

    @Test func staffInvitationsAndResetsCarryTheLinkAndTheirOwnWords() async throws {
        let link = "https://shop.example.com/admin/access/abc?x=1&y=2"
        try await withTestingApp { app in
            let invitation = try await EmailDelivery.render(
                EmailJob(
                    to: "cat@example.org",
                    template: .staffAccess(
                        StaffAccessEmail(
                            purpose: .invitation, staffName: Self.hostileName, linkURL: link,
                            expiresInMinutes: 72 * 60))), on: app)
            let reset = try await EmailDelivery.render(
                EmailJob(
                    to: "cat@example.org",
                    template: .staffAccess(
                        StaffAccessEmail(
                            purpose: .passwordReset, staffName: "Cat", linkURL: link, expiresInMinutes: 60))),
                on: app)
            #expect(invitation.subject == "You're invited to the shop's back office")
            #expect(invitation.htmlBody.contains("Choose your password"))
            #expect(invitation.htmlBody.contains("expires in 3 days"))
            #expect(invitation.textBody.contains("expires in 3 days"))
            #expect(invitation.htmlBody.contains("href=\"https://shop.example.com/admin/access/abc?x=1&amp;y=2\""))
            #expect(invitation.textBody.contains("\nhttps://shop.example.com/admin/access/abc?x=1&y=2\n"))
            #expect(invitation.textBody.contains("Hello \(Self.hostileName),"))
            #expect(!invitation.htmlBody.contains("<script>"))
            #expect(reset.subject == "Reset your back-office password")
            #expect(reset.htmlBody.contains("expires in 60 minutes"))
            #expect(
                reset.textBody.contains("Choose a new password:\nhttps://shop.example.com/admin/access/abc?x=1&y=2"))
            #expect(!reset.textBody.contains("invited"))
        }
    }

    @Test func deliverWritesBothPartsToTheOutbox() async throws {
        let outbox = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outbox) }
        try await withTestingApp(outbox: outbox) { app in
            // MUT
            try await EmailDelivery.deliver(
                EmailJob(to: "Zoë Müller <zoe@example.org>", template: .orderConfirmation(Self.confirmation)), on: app)
            // validate
            let files = try FileManager.default.contentsOfDirectory(atPath: outbox.path)
            #expect(files.count == 1)
            let name = try #require(files.first)
            #expect(name.hasSuffix(".eml"))
            #expect(name.contains("order-m-1001-confirmed"))
            let parsed = try ParsedEmail(try String(contentsOf: outbox.appendingPathComponent(name), encoding: .utf8))
            #expect(parsed.header("Subject") == "Order M-1001 confirmed")
            #expect(parsed.header("To") == "Zoë Müller <zoe@example.org>")
            #expect(parsed.header("From") == "Mercato <orders@mercato.test>")
            #expect(parsed.textBody?.contains("2 x Espresso Beans <Dark & Oily>") == true)
            #expect(parsed.htmlBody?.contains("Espresso Beans &lt;Dark &amp; Oily&gt;") == true)
            #expect(parsed.htmlBody?.contains("€113.40") == true)
        }
    }

    @Test func aBadRecipientFailsBeforeAnythingIsSent() async throws {
        let outbox = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outbox) }
        try await withTestingApp(outbox: outbox) { app in
            await #expect(throws: MailerError.invalidMessage("to 'not-an-address' is not an email address")) {
                try await EmailDelivery.deliver(
                    EmailJob(to: "not-an-address", template: .orderConfirmation(Self.confirmation)), on: app)
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: outbox.path)
            #expect(files.isEmpty)
        }
    }

    @Test func jobsEncodeAsAStableKindAndDataShapeAndRoundTrip() throws {
        let job = EmailJob(
            to: "ada@example.org",
            template: .passwordReset(
                PasswordResetEmail(customerName: "Ada", resetURL: "https://x.example/r", expiresInMinutes: 15)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(job), as: UTF8.self)
        #expect(
            json
                == #"{"template":{"data":{"customerName":"Ada","expiresInMinutes":15,"resetURL":"https:\/\/x.example\/r"},"kind":"passwordReset"},"to":"ada@example.org"}"#
        )
        #expect(try JSONDecoder().decode(EmailJob.self, from: Data(json.utf8)) == job)
        let confirmation = EmailJob(to: "a@example.org", template: .orderConfirmation(Self.confirmation))
        #expect(try JSONDecoder().decode(EmailJob.self, from: try encoder.encode(confirmation)) == confirmation)
    }
}
