import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Password-reset links: a used link kills every other one of the account, and nobody can flood a
/// customer's mailbox with them.
@Suite(.serialized) struct AccountTokenTests {
    static let catalogue = [CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30)]
    static let confirm = "/api/v1/auth/password-reset/confirm"

    private func register(_ app: Application) async throws {
        let (status, _) = try await CommerceFixtures.send(
            app, .POST, "/api/v1/customers",
            json: ["email": "ana@example.com", "password": "correct horse battery", "name": "Ana Example"])
        #expect(status == .created)
    }

    private func requestReset(_ app: Application) async throws -> HTTPStatus {
        try await CommerceFixtures.send(app, .POST, "/api/v1/auth/password-reset", json: ["email": "ana@example.com"])
            .0
    }

    private func resetLinks(_ app: Application) async throws -> [String] {
        try await CommerceFixtures.queuedJobs(app, kind: .sendEmail).compactMap {
            $0.firstMatch(of: /password-reset\/([A-Za-z0-9_-]+)/).map { String($0.1) }
        }
    }

    @Test func usingTheNewestLinkKillsTheOlderOne() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // setup: two reset emails in the mailbox
            try await register(app)
            _ = try await requestReset(app)
            _ = try await requestReset(app)
            let links = try await resetLinks(app)
            try #require(links.count == 2)
            // MUT: the newer link resets the password
            let used = try await CommerceFixtures.send(
                app, .POST, Self.confirm, json: ["token": links[1], "password": "a brand new secret"])
            // validate: the older one no longer works
            #expect(used.0 == .noContent)
            let older = try await CommerceFixtures.send(
                app, .POST, Self.confirm, json: ["token": links[0], "password": "an attacker's secret"])
            #expect(older == (.badRequest, "invalid_reset_token"))
        }
    }

    @Test func resetEmailsPerAccountAreCappedWithTheSameAnswer() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // setup
            try await register(app)
            // MUT: fifteen requests for one account
            var answers: Set<UInt> = []
            for _ in 0..<15 { answers.insert(try await requestReset(app).code) }
            // validate: every answer the same, three emails queued
            #expect(answers == [202])
            #expect(try await resetLinks(app).count == CustomerService.resetEmailsPerHour)
        }
    }
}
