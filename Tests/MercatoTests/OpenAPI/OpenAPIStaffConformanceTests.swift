import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Proves the staff side of the Admin API (signing in and out, one's own account and second
/// factor, emailed links, staff, roles and API keys) is what the OpenAPI document describes: every
/// response below, successes and errors, is checked for a documented status, headers and exactly
/// the documented body.
@Suite(.serialized) struct OpenAPIStaffConformanceTests {
    static let owner = TestSupport.ownerHeaders

    static func bearer(_ token: String) -> HTTPHeaders { ["Authorization": "Bearer \(token)"] }

    /// Sends a request, checks the answer against the document and returns its body.
    @discardableResult
    private static func call(
        _ app: Application, _ spec: inout OpenAPISpec, _ method: HTTPMethod, _ path: String,
        headers: HTTPHeaders = [:], json: [String: Any]? = nil, expect status: HTTPStatus,
        code: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue? {
        let response = try await app.send(method, path, headers: headers, json: json)
        #expect(
            response.status == status, "\(method) \(path) → \(response.status.code) \(response.body.string)",
            sourceLocation: sourceLocation)
        let body = try spec.check(response, method: method.rawValue, path: path, sourceLocation: sourceLocation)
        if let code {
            #expect(body?["error"]?["code"] == .string(code), "\(method) \(path)", sourceLocation: sourceLocation)
        }
        return body
    }

    @Test func staffResponsesHaveExactlyTheDocumentedShape() async throws {
        try await TestSupport.withApp { app in
            // setup: an owner with a password, as `mercato staff create` makes one
            var spec = try await OpenAPISpec.fetch(from: app)
            let password = StaffFixtures.password
            _ = try await app.staff.create(email: "olga@example.com", name: "Olga", role: "owner", password: password)
            let sessions = "/api/v1/admin/sessions"

            // Signing in.
            try await Self.call(
                app, &spec, .POST, sessions, json: ["email": "olga@example.com", "password": "not her password"],
                expect: .unauthorized, code: "invalid_credentials")
            try await Self.call(
                app, &spec, .POST, sessions, json: ["email": 1, "password": password], expect: .badRequest)
            try await Self.call(app, &spec, .POST, sessions, expect: .unsupportedMediaType)
            let signedIn = try #require(
                try await Self.call(
                    app, &spec, .POST, sessions, json: ["email": " Olga@Example.com ", "password": password],
                    expect: .ok))
            #expect(signedIn["staff"]?["lastSignInAt"] != nil)
            #expect(signedIn["permissions"]?.array?.count == StaffPermission.allCases.count)
            let olga = Self.bearer(try #require(signedIn["token"]?.string))
            let olgaID = try #require(signedIn["staff"]?["id"]?.string)

            // Who is calling.
            let me = try await Self.call(app, &spec, .GET, "/api/v1/admin/me", headers: olga, expect: .ok)
            #expect(me?["kind"] == .string("staff"))
            #expect(me?["staff"]?["email"] == .string("olga@example.com"))
            let key = try await Self.call(app, &spec, .GET, "/api/v1/admin/me", headers: Self.owner, expect: .ok)
            #expect(key?["kind"] == .string("apiKey"))
            #expect(key?["staff"] == nil)
            let anonymous = try await app.send(.GET, "/api/v1/admin/me")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers.first(name: "WWW-Authenticate") == #"Bearer realm="mercato-admin""#)
            try spec.check(anonymous, path: "/api/v1/admin/me")
            try await Self.call(
                app, &spec, .GET, "/api/v1/admin/me", headers: Self.bearer("mk_no-such-key"), expect: .unauthorized,
                code: "unauthorized")

            // Inviting a colleague, who chooses a password with the emailed link.
            let invitation: [String: Any] = ["email": "Cat@Example.com", "name": "Cat", "role": "catalog"]
            let invited = try #require(
                try await Self.call(
                    app, &spec, .POST, "/api/v1/admin/staff", headers: olga, json: invitation, expect: .created))
            #expect(invited["status"] == .string("invited"))
            let catID = try #require(invited["id"]?.string)
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/staff", headers: olga, json: invitation, expect: .conflict,
                code: "email_taken")
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/staff", headers: olga,
                json: invitation.merging(["email": "dan@example.com", "role": "nobody"]) { $1 }, expect: .badRequest,
                code: "unknown_role")
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/staff", headers: olga,
                json: invitation.merging(["email": "dan@example.com", "name": "  "]) { $1 }, expect: .badRequest,
                code: "invalid_field")
            let link = try #require(try await StaffFixtures.emailedLinks(app).first)
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/access", json: ["token": link, "password": "short"],
                expect: .badRequest, code: "weak_password")
            let accepted = try await Self.call(
                app, &spec, .POST, "/api/v1/admin/access", json: ["token": link, "password": "cat's own password"],
                expect: .ok)
            #expect(accepted?["status"] == .string("active"))
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/access", json: ["token": link, "password": "someone else's"],
                expect: .badRequest, code: "invalid_link")
            let catSignIn = try await Self.call(
                app, &spec, .POST, sessions, json: ["email": "cat@example.com", "password": "cat's own password"],
                expect: .ok)
            let cat = Self.bearer(try #require(catSignIn?["token"]?.string))
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/password-reset", json: ["email": "cat@example.com"],
                expect: .accepted)
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/password-reset", json: ["email": "not an address"],
                expect: .badRequest, code: "invalid_field")

            // Permissions: the catalog role neither manages staff nor sees the job queue.
            try await Self.call(
                app, &spec, .GET, "/api/v1/admin/staff", headers: cat, expect: .forbidden, code: "forbidden")
            try await Self.call(
                app, &spec, .GET, "/api/v1/admin/jobs", headers: cat, expect: .forbidden, code: "forbidden")
            try await Self.call(app, &spec, .GET, "/api/v1/admin/staff", expect: .unauthorized)

            // Staff.
            let staff = try await Self.call(app, &spec, .GET, "/api/v1/admin/staff", headers: olga, expect: .ok)
            #expect(staff?["items"]?.array?.count == 2)
            try await Self.call(
                app, &spec, .PATCH, "/api/v1/admin/staff/\(olgaID)", headers: Self.owner, json: ["role": "manager"],
                expect: .conflict, code: "last_owner")
            try await Self.call(
                app, &spec, .PATCH, "/api/v1/admin/staff/\(olgaID)", headers: olga, json: ["active": false],
                expect: .conflict, code: "last_owner")
            let changed = try await Self.call(
                app, &spec, .PATCH, "/api/v1/admin/staff/\(catID)", headers: olga,
                json: ["name": " Cat B. ", "role": "support", "active": true], expect: .ok)
            #expect(changed?["name"] == .string("Cat B."))
            #expect(changed?["role"] == .string("support"))
            try await Self.call(
                app, &spec, .PATCH, "/api/v1/admin/staff/\(catID)", headers: olga, json: ["name": ""],
                expect: .badRequest, code: "invalid_field")
            try await Self.call(
                app, &spec, .PATCH, "/api/v1/admin/staff/not-a-uuid", headers: olga, json: ["name": "X"],
                expect: .badRequest, code: "invalid_parameter")
            try await Self.call(
                app, &spec, .PATCH, "/api/v1/admin/staff/\(UUID())", headers: olga, json: ["name": "X"],
                expect: .notFound, code: "not_found")

            // Roles.
            let role: [String: Any] = [
                "name": "warehouse", "description": " Picks and packs. ",
                "permissions": ["orders:read", "inventory:read"],
            ]
            let created = try await Self.call(
                app, &spec, .POST, "/api/v1/admin/roles", headers: olga, json: role, expect: .created)
            #expect(created?["description"] == .string("Picks and packs."))
            #expect(created?["builtIn"] == .bool(false))
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/roles", headers: olga, json: role, expect: .conflict,
                code: "role_name_taken")
            let refused: [[String: Any]] = [
                ["name": "Owner!"], ["name": "owner"], ["name": "pickers", "permissions": ["orders:steal"]],
            ]
            for bad in refused {
                try await Self.call(
                    app, &spec, .POST, "/api/v1/admin/roles", headers: olga, json: bad, expect: .badRequest,
                    code: "invalid_field")
            }
            let roles = try await Self.call(app, &spec, .GET, "/api/v1/admin/roles", headers: olga, expect: .ok)
            #expect(roles?["items"]?.array?.count == BuiltInRole.allCases.count + 1)
            let updated = try await Self.call(
                app, &spec, .PATCH, "/api/v1/admin/roles/warehouse", headers: olga,
                json: ["description": "Ships orders.", "permissions": ["orders:read", "orders:write"]], expect: .ok)
            #expect(updated?["permissions"] == .array([.string("orders:read"), .string("orders:write")]))
            try await Self.call(
                app, &spec, .PATCH, "/api/v1/admin/roles/warehouse", headers: olga, json: ["name": "shipping"],
                expect: .badRequest, code: "invalid_field")
            try await Self.call(
                app, &spec, .PATCH, "/api/v1/admin/roles/owner", headers: olga, json: ["description": "All"],
                expect: .notFound)
            try await Self.call(
                app, &spec, .PATCH, "/api/v1/admin/staff/\(catID)", headers: olga, json: ["role": "warehouse"],
                expect: .ok)
            try await Self.call(
                app, &spec, .DELETE, "/api/v1/admin/roles/warehouse", headers: olga, expect: .conflict,
                code: "role_in_use")
            try await Self.call(
                app, &spec, .PATCH, "/api/v1/admin/staff/\(catID)", headers: olga, json: ["role": "support"],
                expect: .ok)
            try await Self.call(app, &spec, .DELETE, "/api/v1/admin/roles/warehouse", headers: olga, expect: .noContent)
            try await Self.call(app, &spec, .DELETE, "/api/v1/admin/roles/warehouse", headers: olga, expect: .notFound)

            // API keys: shown once, used, listed, revoked.
            let newKey = try #require(
                try await Self.call(
                    app, &spec, .POST, "/api/v1/admin/api-keys", headers: olga,
                    json: ["name": "staff admin", "permissions": ["staff:read", "staff:write"]], expect: .created))
            let secret = try #require(newKey["secret"]?.string)
            let keyID = try #require(newKey["key"]?["id"]?.string)
            #expect(newKey["key"]?["prefix"] == .string(String(secret.prefix(10))))
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/api-keys", headers: olga,
                json: ["name": "nothing", "permissions": [] as [String]], expect: .badRequest, code: "invalid_field")
            try await Self.call(
                app, &spec, .POST, "/api/v1/admin/roles", headers: Self.bearer(secret),
                json: ["name": "refunds", "permissions": ["orders:refund"]], expect: .forbidden, code: "cannot_grant")
            try await Self.call(
                app, &spec, .GET, "/api/v1/admin/coupons", headers: Self.bearer(secret), expect: .forbidden,
                code: "forbidden")
            let keys = try await Self.call(app, &spec, .GET, "/api/v1/admin/api-keys", headers: olga, expect: .ok)
            let listed = try #require(keys?["items"]?.array?.first { $0["id"]?.string == keyID })
            #expect(listed["lastUsedAt"] != nil)
            #expect(listed["secret"] == nil)
            let revoked = try await Self.call(
                app, &spec, .DELETE, "/api/v1/admin/api-keys/\(keyID)", headers: olga, expect: .ok)
            #expect(revoked?["revokedAt"] != nil)
            try await Self.call(
                app, &spec, .DELETE, "/api/v1/admin/api-keys/\(UUID())", headers: olga, expect: .notFound)
            try await Self.call(
                app, &spec, .DELETE, "/api/v1/admin/api-keys/nope", headers: olga, expect: .badRequest,
                code: "invalid_parameter")
            let afterRevoking = try await Self.call(
                app, &spec, .GET, "/api/v1/admin/api-keys", headers: olga, expect: .ok)
            #expect(afterRevoking?["items"]?.array?.first { $0["id"]?.string == keyID }?["revokedAt"] != nil)
            try await Self.call(
                app, &spec, .GET, "/api/v1/admin/me", headers: Self.bearer(secret), expect: .unauthorized)

            // Two-step sign-in: enrol, confirm, sign in with a recovery code, turn it off.
            let totp = "/api/v1/admin/me/totp"
            try await Self.call(
                app, &spec, .POST, "\(totp)/confirm", headers: olga, json: ["code": "123456"], expect: .conflict,
                code: "totp_not_started")
            try await Self.call(
                app, &spec, .POST, "\(totp)/disable", headers: olga, json: ["code": "123456"], expect: .conflict,
                code: "totp_not_started")
            try await Self.call(
                app, &spec, .POST, totp, headers: Self.owner, expect: .forbidden, code: "staff_session_required")
            let enrolment = try await Self.call(app, &spec, .POST, totp, headers: olga, expect: .ok)
            let encoded = try #require(enrolment?["secret"]?.string)
            let shared = try #require(TOTP.decodeBase32(encoded))
            let step = TOTP.step(at: Date())
            let current = Set((step - 1...step + 1).map { TOTP.code(secret: shared, step: $0) })
            let wrong = try #require(["000000", "111111", "222222", "333333"].first { !current.contains($0) })
            try await Self.call(
                app, &spec, .POST, "\(totp)/confirm", headers: olga, json: ["code": wrong], expect: .unauthorized,
                code: "invalid_code")
            try await Self.call(
                app, &spec, .POST, "\(totp)/confirm", headers: olga, json: ["code": 123_456], expect: .badRequest)
            let confirmed = try await Self.call(
                app, &spec, .POST, "\(totp)/confirm", headers: olga,
                json: ["code": TOTP.code(secret: shared, step: step)], expect: .ok)
            let recovery = (confirmed?["recoveryCodes"]?.array ?? []).compactMap(\.string)
            try #require(recovery.count == StaffTwoFactor.recoveryCodeCount)
            try await Self.call(
                app, &spec, .POST, totp, headers: olga, expect: .conflict, code: "totp_already_enabled")
            try await Self.call(
                app, &spec, .POST, "\(totp)/confirm", headers: olga, json: ["code": wrong], expect: .conflict,
                code: "totp_already_enabled")
            try await Self.call(
                app, &spec, .POST, sessions, json: ["email": "olga@example.com", "password": password],
                expect: .unauthorized, code: "code_required")
            let second = try await Self.call(
                app, &spec, .POST, sessions,
                json: ["email": "olga@example.com", "password": password, "code": recovery[0]], expect: .ok)
            #expect(second?["staff"]?["twoFactor"] == .bool(true))
            try await Self.call(
                app, &spec, .POST, "\(totp)/disable", headers: olga, json: ["code": recovery[0]],
                expect: .unauthorized, code: "invalid_code")
            try await Self.call(
                app, &spec, .POST, "\(totp)/disable", headers: olga, json: ["code": recovery[1]], expect: .noContent)

            // Signing out.
            try await Self.call(
                app, &spec, .DELETE, "\(sessions)/current", headers: Self.owner, expect: .forbidden,
                code: "staff_session_required")
            try await Self.call(app, &spec, .DELETE, "\(sessions)/current", headers: olga, expect: .noContent)
            try await Self.call(app, &spec, .DELETE, "\(sessions)/current", headers: olga, expect: .unauthorized)

            // Every staff operation was checked, and every field of every schema they answer with
            // was sent at least once.
            let exercised = spec.operations.filter { operation in
                ["sessions", "access", "password-reset", "me", "staff", "roles", "api-keys"]
                    .contains { operation.contains("/api/v1/admin/\($0)") }
            }
            #expect(exercised.count == 18)
            #expect(
                exercised.subtracting(spec.checkedOperations).isEmpty,
                "never checked: \(exercised.subtracting(spec.checkedOperations).sorted())")
            let documented = spec.documentedProperties(of: spec.schemasReachable(fromResponsesOf: exercised))
            #expect(documented.contains("StaffAPIKey.revokedAt"))  // a guard against the walk finding nothing
            let unseen = documented.subtracting(spec.validator.seenProperties)
            #expect(unseen.isEmpty, "documented but never sent: \(unseen.sorted())")
        }
    }

    @Test func repeatedFailedSignInsAreA429WithRetryAfter() async throws {
        try await TestSupport.withApp { app in
            // setup
            var spec = try await OpenAPISpec.fetch(from: app)
            try await StaffFixtures.member(app, email: "olga@example.com", role: "owner")
            let guess: [String: Any] = ["email": "olga@example.com", "password": "guess guess"]
            // MUT: wrong passwords until the throttle steps in
            var last: TestingHTTPResponse?
            for _ in 0..<10 {
                let response = try await app.send(.POST, "/api/v1/admin/sessions", json: guess)
                try spec.check(response, method: "POST", path: "/api/v1/admin/sessions")
                last = response
                if response.status == .tooManyRequests { break }
                #expect(response.status == .unauthorized)
            }
            // validate
            let throttled = try #require(last)
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers.first(name: "Retry-After").flatMap(Int.init) != nil)
            #expect(CommerceFixtures.errorCode(throttled.body) == "too_many_attempts")
        }
    }
}
