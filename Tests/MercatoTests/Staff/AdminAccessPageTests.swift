import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// The page an emailed staff link opens: choose the password, once, without JavaScript.
@Suite struct AdminAccessPageTests {
    private func page(_ app: Application, _ method: HTTPMethod, _ path: String, form: String? = nil) async throws
        -> (status: HTTPStatus, html: String, headers: HTTPHeaders)
    {
        var headers: HTTPHeaders = [:]
        if form != nil {
            headers.contentType = .urlEncodedForm
            headers.replaceOrAdd(name: "Origin", value: app.settings.server.baseURL)
        }
        var result: (HTTPStatus, String, HTTPHeaders) = (.internalServerError, "", [:])
        try await app.testing().test(method, path, headers: headers, body: form.map { ByteBuffer(string: $0) }) {
            result = ($0.status, $0.body.string, $0.headers)
        }
        return result
    }

    private func invite(_ app: Application) async throws -> String {
        let owner = try await StaffFixtures.member(app, email: "olga@example.com", role: "owner")
        let (status, _) = try await StaffFixtures.call(
            app, .POST, "/api/v1/admin/staff", token: owner,
            json: ["email": "cat@example.com", "name": "Cat <Catalogue>", "role": "catalog"])
        try #require(status == .created)
        return try #require(try await StaffFixtures.emailedLinks(app).first)
    }

    @Test func anInvitationWelcomesByNameAndSetsThePasswordOnce() async throws {
        try await TestSupport.withApp { app in
            // setup
            let token = try await invite(app)
            // MUT
            let form = try await page(app, .GET, "/admin/access/\(token)")
            let mismatch = try await page(
                app, .POST, "/admin/access/\(token)", form: "password=long+enough+1&confirm=long+enough+2")
            let set = try await page(
                app, .POST, "/admin/access/\(token)", form: "password=long+enough+1&confirm=long+enough+1")
            let again = try await page(app, .GET, "/admin/access/\(token)")
            // validate
            #expect(form.status == .ok)
            #expect(form.html.contains("<h1>Welcome, Cat &lt;Catalogue&gt;</h1>"))
            #expect(form.html.contains("<strong>cat@example.com</strong>"))
            #expect(form.html.contains(#"name="password" required minlength="10" maxlength="128""#))
            #expect(form.headers.first(name: "Referrer-Policy") == "no-referrer")
            #expect(form.headers.first(name: .cacheControl) == "private, no-store")
            #expect(mismatch.status == .badRequest)
            #expect(mismatch.html.contains("confirm must repeat the password exactly"))
            #expect(set.status == .ok)
            #expect(set.html.contains("<h1>Password set</h1>"))
            #expect(again.status == .notFound)
            #expect(again.html.contains("This link doesn't work"))
            _ = try await StaffFixtures.signIn(app, email: "cat@example.com", password: "long enough 1")
        }
    }

    @Test func aWeakPasswordOrAForeignFormChangesNothing() async throws {
        try await TestSupport.withApp { app in
            let token = try await invite(app)
            let weak = try await page(app, .POST, "/admin/access/\(token)", form: "password=short&confirm=short")
            var foreign = HTTPHeaders()
            foreign.contentType = .urlEncodedForm
            foreign.replaceOrAdd(name: "Origin", value: "https://evil.example")
            var foreignStatus = HTTPStatus.ok
            try await app.testing().test(
                .POST, "/admin/access/\(token)", headers: foreign,
                body: ByteBuffer(string: "password=long+enough+1&confirm=long+enough+1")
            ) { foreignStatus = $0.status }
            #expect(weak.status == .badRequest)
            #expect(weak.html.contains("password must be 10 to 128 characters long"))
            #expect(foreignStatus == .forbidden)
            let cat = try #require(
                try await StaffMember.query(on: app.db).filter(\.$email == "cat@example.com").first())
            #expect(cat.passwordHash == nil)
            #expect(try await page(app, .GET, "/admin/access/\(token)").status == .ok, "the link still works")
        }
    }

    @Test func anUnknownLinkSaysSo() async throws {
        try await TestSupport.withApp { app in
            let unknown = try await page(app, .GET, "/admin/access/not-a-real-token")
            #expect(unknown.status == .notFound)
            #expect(unknown.html.contains("It is wrong, expired or already used."))
            #expect(!unknown.html.contains("<form"))
        }
    }
}
