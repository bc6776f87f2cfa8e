import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Addresses a customer types are taken only if every mailer will send to them: an address
/// accepted at registration and refused by SES or SMTP later leaves the welcome and order emails
/// retrying for ever.
@Suite(.serialized) struct EmailAddressInputTests {
    static let catalogue = [CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30)]

    /// Two addresses in one, comments, display names, non-ASCII, bad labels and lengths.
    static let refused = [
        "a,b@example.com", "ana(x)@example.com", "ä@example.com", "ana@exämple.com", "\"Ana\" <ana@example.com>",
        "ana@localhost", "ana@-example.com", "ana@example-.com", "ana@exa_mple.com", ".ana@example.com",
        "ana.@example.com", "a..na@example.com", "ana@example..com", "ana@@example.com", "ana example@example.com",
        String(repeating: "a", count: 65) + "@example.com", "ana@" + String(repeating: "b", count: 64) + ".com",
        "ana@" + Array(repeating: String(repeating: "c", count: 60), count: 5).joined(separator: ".") + ".com",
    ]

    @Test(arguments: refused) func addressesNoMailerTakesAreRefused(address: String) {
        // act
        let outcome = Result { try CustomerEmail.validated(address) }
        // verify
        #expect(throws: InvalidField.self) { try outcome.get() }
    }

    @Test func ordinaryAddressesAreTakenTrimmedAndLowerCased() throws {
        // act / verify
        #expect(try CustomerEmail.validated(" Ana.Example+shop@Example.COM ") == "ana.example+shop@example.com")
        #expect(try CustomerEmail.validated("o'brien@mail.example.co.uk") == "o'brien@mail.example.co.uk")
        #expect(try CustomerEmail.validated("ana@xn--exmple-cua.com") == "ana@xn--exmple-cua.com")
    }

    @Test func registrationAndCheckoutRefuseThemByNameAndStoreNothing() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            for address in ["a,b@example.com", "ä@example.com", "\"Ana\" <ana@example.com>"] {
                // act
                var reason = ""
                try await app.testing().test(
                    .POST, "/api/v1/customers", headers: ["Content-Type": "application/json"],
                    body: CommerceFixtures.json([
                        "email": address, "password": "correct horse battery", "name": "Ana Example",
                    ])
                ) { response in
                    // verify
                    #expect(response.status == .badRequest, "\(address)")
                    #expect(CommerceFixtures.errorCode(response.body) == "invalid_field")
                    reason = response.body.string
                }
                #expect(reason.contains("email must be an email address"), "\(address): \(reason)")
            }
            #expect(try await Customer.query(on: app.db).count() == 0)
            // act: a guest checkout with one
            let cart = try await CommerceFixtures.createCart(app)
            try await CommerceFixtures.add(app, cart, sku: "SKU-basic-tee", quantity: 1)
            let checkout = try await CommerceFixtures.checkout(app, cart, email: "a,b@example.com")
            // verify
            #expect(checkout.status == .badRequest)
            #expect(checkout.code == "invalid_field")
            #expect(try await Order.query(on: app.db).count() == 0)
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-basic-tee").reserved == 0)
        }
    }
}
