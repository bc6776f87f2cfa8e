import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

@Suite(.serialized) struct CustomerAccountTests {
    static let catalogue = [CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30)]

    private func register(
        _ app: Application, email: String = "ana@example.com", password: String = "correct horse battery"
    ) async throws -> SignInDTO {
        var result: SignInDTO?
        try await app.testing().test(
            .POST, "/api/v1/customers", headers: ["Content-Type": "application/json"],
            body: CommerceFixtures.json(["email": email, "password": password, "name": "Ana Example"])
        ) { response in
            #expect(response.status == .created)
            result = try response.content.decode(SignInDTO.self)
        }
        return try #require(result)
    }

    private func login(
        _ app: Application, email: String = "ana@example.com", password: String = "correct horse battery",
        headers: HTTPHeaders = [:], extra: [String: Any] = [:], from address: String = "203.0.113.7"
    ) async throws -> (HTTPStatus, SignInDTO?, String?) {
        var result: (HTTPStatus, SignInDTO?, String?) = (.internalServerError, nil, nil)
        var headers = headers
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "X-Forwarded-For", value: address)
        try await app.testing().test(
            .POST, "/api/v1/auth/login", headers: headers,
            body: CommerceFixtures.json(["email": email, "password": password].merging(extra) { $1 })
        ) { response in
            result.0 = response.status
            if response.status == .ok {
                result.1 = try response.content.decode(SignInDTO.self)
            } else {
                result.2 = CommerceFixtures.errorCode(response.body)
            }
        }
        return result
    }

    private func bearer(_ token: String) -> HTTPHeaders { ["Authorization": "Bearer \(token)"] }

    @Test func registerSignInProfileAddressesAndSignOut() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // MUT: register, then sign in with a differently-cased email
            let registered = try await register(app)
            let (status, signedIn, _) = try await login(app, email: " ANA@example.com ")
            // validate
            #expect(registered.customer.email == "ana@example.com")
            #expect(status == .ok)
            let token = try #require(signedIn?.token)
            let stored = try #require(try await Customer.query(on: app.db).first())
            #expect(stored.passwordHash.hasPrefix("$2"))
            #expect(!stored.passwordHash.contains("correct horse"))
            // profile and addresses
            let me = try await CommerceFixtures.send(app, .GET, "/api/v1/me", headers: bearer(token))
            #expect(me.0 == .ok)
            let added = try await CommerceFixtures.send(
                app, .POST, "/api/v1/me/addresses", headers: bearer(token),
                json: [
                    "name": "Ana", "line1": "Hauptstraße 1", "city": "Berlin", "postalCode": "10115", "country": "de",
                ])
            #expect(added.0 == .created)
            let badAddress = try await CommerceFixtures.send(
                app, .POST, "/api/v1/me/addresses", headers: bearer(token),
                json: ["name": "Ana", "line1": "", "city": "Berlin", "postalCode": "10115", "country": "DE"])
            #expect(badAddress == (.badRequest, "invalid_field"))
            #expect(try await CustomerAddress.query(on: app.db).count() == 1)
            // MUT: sign out; the token stops working
            #expect(
                try await CommerceFixtures.send(app, .POST, "/api/v1/auth/logout", headers: bearer(token)).0
                    == .noContent)
            let after = try await CommerceFixtures.send(app, .GET, "/api/v1/me", headers: bearer(token))
            #expect(after == (.unauthorized, "authentication_required"))
            #expect(try await CommerceFixtures.send(app, .GET, "/api/v1/me").0 == .unauthorized)
        }
    }

    @Test func badRegistrationsAreRefused() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            _ = try await register(app)
            let path = "/api/v1/customers"
            // MUT + validate
            let taken = try await CommerceFixtures.send(
                app, .POST, path, json: ["email": "Ana@Example.com", "password": "another long one", "name": "Ana"])
            #expect(taken == (.conflict, "email_taken"))
            let weak = try await CommerceFixtures.send(
                app, .POST, path, json: ["email": "bo@example.com", "password": "short", "name": "Bo"])
            #expect(weak == (.badRequest, "weak_password"))
            let badEmail = try await CommerceFixtures.send(
                app, .POST, path, json: ["email": "bo@", "password": "long enough pass", "name": "Bo"])
            #expect(badEmail == (.badRequest, "invalid_field"))
            let noName = try await CommerceFixtures.send(
                app, .POST, path, json: ["email": "bo@example.com", "password": "long enough pass", "name": " "])
            #expect(noName == (.badRequest, "invalid_field"))
            #expect(try await Customer.query(on: app.db).count() == 1)
        }
    }

    @Test func failedSignInsSlowTheAccountDownAndAreLimitedPerAddress() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // A first delay long enough that no machine is slow enough to outlast it mid-test.
            app.settings.checkout.loginFirstDelaySeconds = 30
            _ = try await register(app)
            // MUT: five wrong passwords for the account
            for _ in 0..<5 {
                let (status, _, code) = try await login(app, password: "wrong password!")
                #expect(status == .unauthorized)
                #expect(code == "invalid_credentials")
            }
            // validate: the next attempt waits out the delay, from any address; nothing is locked
            let delayed = try await login(app, from: "198.51.100.1")
            #expect(delayed.0 == .tooManyRequests)
            #expect(delayed.2 == "too_many_attempts")
            // MUT: one address guessing across many accounts
            for index in 0..<20 {
                _ = try await login(
                    app, email: "nobody\(index)@example.com", password: "guess guess", from: "192.0.2.9")
            }
            let fromGuesser = try await login(
                app, email: "other@example.com", password: "whatever it is", from: "192.0.2.9")
            #expect(fromGuesser.0 == .tooManyRequests)
        }
    }

    @Test func aCustomerUnderAttackStillSignsInOnceTheShortDelayIsOver() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            _ = try await register(app)
            // setup: someone guessed wrong five times (the default first delay is one second)
            for _ in 0..<5 { _ = try await login(app, password: "wrong password!", from: "192.0.2.66") }
            // MUT: the customer waits what the shop says, then signs in
            try await Task.sleep(for: .milliseconds(1_100))
            let signedIn = try await login(app, from: "198.51.100.4")
            // validate
            #expect(signedIn.0 == .ok)
            #expect(signedIn.1?.customer.email == "ana@example.com")
        }
    }

    @Test func passwordResetIsSingleUseAndExpires() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            let registered = try await register(app)
            // MUT: ask for a reset (and for an unknown address: same answer, no email)
            #expect(
                try await CommerceFixtures.send(
                    app, .POST, "/api/v1/auth/password-reset", json: ["email": "ana@example.com"]
                ).0 == .accepted)
            #expect(
                try await CommerceFixtures.send(
                    app, .POST, "/api/v1/auth/password-reset", json: ["email": "ghost@example.com"]
                ).0 == .accepted)
            // validate: one email, carrying the link
            let emails = try await CommerceFixtures.queuedJobs(app, kind: .sendEmail)
            #expect(emails.count == 1)
            let link = try #require(emails.first?.firstMatch(of: /password-reset\/([A-Za-z0-9_-]+)/))
            let token = String(link.1)
            let confirm = "/api/v1/auth/password-reset/confirm"
            // bad inputs first
            #expect(
                try await CommerceFixtures.send(
                    app, .POST, confirm, json: ["token": "forged", "password": "a brand new secret"]) == (
                        .badRequest, "invalid_reset_token"
                    ))
            #expect(
                try await CommerceFixtures.send(app, .POST, confirm, json: ["token": token, "password": "short"]) == (
                    .badRequest, "weak_password"
                ))
            // MUT: use it
            #expect(
                try await CommerceFixtures.send(
                    app, .POST, confirm, json: ["token": token, "password": "a brand new secret"]
                ).0 == .noContent)
            // validate: old sessions are signed out, the new password works, the token is spent
            #expect(
                try await CommerceFixtures.send(app, .GET, "/api/v1/me", headers: bearer(registered.token)).0
                    == .unauthorized)
            #expect(try await login(app, password: "a brand new secret").0 == .ok)
            #expect(
                try await CommerceFixtures.send(
                    app, .POST, confirm, json: ["token": token, "password": "yet another secret"]) == (
                        .badRequest, "invalid_reset_token"
                    ))
            // an expired token is refused
            _ = try await CommerceFixtures.send(
                app, .POST, "/api/v1/auth/password-reset", json: ["email": "ana@example.com"])
            let second = try #require(
                try await CommerceFixtures.queuedJobs(app, kind: .sendEmail).last?.firstMatch(
                    of: /password-reset\/([A-Za-z0-9_-]+)/))
            try await app.db.sql.raw(
                "UPDATE password_reset_tokens SET expires_at = \(bind: Date().addingTimeInterval(-1))"
            ).run()
            #expect(
                try await CommerceFixtures.send(
                    app, .POST, confirm, json: ["token": String(second.1), "password": "expired link pass"]) == (
                        .badRequest, "invalid_reset_token"
                    ))
        }
    }

    @Test func aGuestCartMergesAtSignInAndOrdersShowInTheAccount() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            let registered = try await register(app)
            // setup: the customer's own cart has 1 tee; as a guest they add 2 more
            let own = try await CommerceFixtures.createCart(app, bearer: registered.token)
            try await CommerceFixtures.add(app, .init(id: own.id, token: own.token), sku: "SKU-basic-tee", quantity: 1)
            let guest = try await CommerceFixtures.createCart(app)
            try await CommerceFixtures.add(app, guest, sku: "SKU-basic-tee", quantity: 2)
            // MUT: sign in presenting the guest cart
            let (status, signedIn, _) = try await login(
                app, headers: guest.headers, extra: ["cartId": guest.id.uuidString])
            // validate
            #expect(status == .ok)
            #expect(signedIn?.cartId == own.id)
            let token = try #require(signedIn?.token)
            var merged: CartDTO?
            try await app.testing().test(.GET, "/api/v1/carts/\(own.id)", headers: bearer(token)) { response in
                merged = try response.content.decode(CartDTO.self)
            }
            #expect(merged?.items.first?.quantity == 3)
            #expect(
                try await CommerceFixtures.send(app, .GET, "/api/v1/carts/\(guest.id)", headers: guest.headers).1
                    == "cart_closed")
            // MUT: check out signed in; the order appears in the history
            var headers = bearer(token)
            headers.add(name: "Content-Type", value: "application/json")
            try await app.testing().test(
                .POST, "/api/v1/checkout", headers: headers,
                body: CommerceFixtures.json(CommerceFixtures.checkoutBody(.init(id: own.id, token: "")))
            ) { #expect($0.status == .created) }
            var history: CustomerRoutes.OrderList?
            try await app.testing().test(.GET, "/api/v1/me/orders", headers: bearer(token)) { response in
                history = try response.content.decode(CustomerRoutes.OrderList.self)
            }
            #expect(history?.items.count == 1)
            #expect(history?.items.first?.itemCount == 3)
        }
    }
}

extension CustomerAccountTests {
    @Test func expiredSessionsAndResetTokensAreSweptAsNewSessionsOpen() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // setup: one session that has expired, one reset token that has expired
            let service = app.customers
            let customer = try await service.register(
                email: "old@example.com", password: "long enough pass", name: "Old")
            let (stale, staleToken) = try await service.openSession(kind: .api, customerID: customer.requireID())
            stale.expiresAt = Date().addingTimeInterval(-60)
            try await stale.update(on: app.db)
            try await service.requestPasswordReset(email: "old@example.com")
            try await app.db.sql.raw(
                "UPDATE password_reset_tokens SET expires_at = \(bind: Date().addingTimeInterval(-1))"
            ).run()
            // MUT: somebody signs in
            _ = try await service.openSession(kind: .web, customerID: nil)
            // validate: the stale token opens nothing and its rows are gone
            let reopened = try await service.session(forToken: staleToken, kind: .api)
            #expect(reopened == nil)
            let sessions = try await CustomerSession.query(on: app.db).count()
            let resets = try await PasswordResetToken.query(on: app.db).count()
            #expect(sessions == 1)
            #expect(resets == 0)
        }
    }
}
