import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Staff accounts as an owner and their colleagues use them: sign-in, invitations, resets, the
/// grant rule and the last owner.
@Suite struct StaffAccountTests {
    @Test func anOwnerSignsInSeesEverythingAndSignsOut() async throws {
        try await TestSupport.withApp { app in
            // setup
            let token = try await StaffFixtures.member(app, email: "olga@example.com", role: "owner")
            // MUT
            let (status, me) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/me", token: token)
            let (orders, _) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/orders", token: token)
            let (signedOut, _) = try await StaffFixtures.call(
                app, .DELETE, "/api/v1/admin/sessions/current", token: token)
            let (after, _) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/me", token: token)
            // validate
            #expect(status == .ok)
            #expect(me["kind"] as? String == "staff")
            #expect((me["permissions"] as? [String])?.count == StaffPermission.allCases.count)
            #expect((me["staff"] as? [String: Any])?["email"] as? String == "olga@example.com")
            #expect((me["staff"] as? [String: Any])?["passwordHash"] == nil)
            #expect(orders == .ok)
            #expect(signedOut == .noContent)
            #expect(after == .unauthorized)
        }
    }

    @Test func aWrongPasswordIsRefusedAndRepeatedFailuresAreSlowed() async throws {
        try await TestSupport.withApp { app in
            try await StaffFixtures.member(app, email: "olga@example.com", role: "owner")
            var statuses: [HTTPStatus] = []
            for _ in 0..<7 {
                let (status, _) = try await StaffFixtures.call(
                    app, .POST, "/api/v1/admin/sessions",
                    json: ["email": "olga@example.com", "password": "guess guess"])
                statuses.append(status)
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .unauthorized })
            #expect(statuses.last == .tooManyRequests)
            // A customer account of the same address is throttled separately.
            let (customer, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/auth/login", json: ["email": "olga@example.com", "password": "guess guess"])
            #expect(customer == .unauthorized)
        }
    }

    @Test func anInvitedColleagueChoosesAPasswordOnceAndGetsTheirRole() async throws {
        try await TestSupport.withApp { app in
            // setup
            let owner = try await StaffFixtures.member(app, email: "olga@example.com", role: "owner")
            // MUT
            let (invited, member) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/staff", token: owner,
                json: ["email": "Cat@Example.com", "name": "Cat", "role": "catalog"])
            let link = try #require(try await StaffFixtures.emailedLinks(app).first)
            let (accepted, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/access", json: ["token": link, "password": "my own password"])
            let (again, reused) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/access", json: ["token": link, "password": "someone else's"])
            let cat = try await StaffFixtures.signIn(app, email: "cat@example.com", password: "my own password")
            let (images, _) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/coupons", token: cat)
            let (staff, _) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/staff", token: cat)
            // validate
            #expect(invited == .created)
            #expect(member["status"] as? String == "invited")
            #expect(member["email"] as? String == "cat@example.com")
            #expect(accepted == .ok)
            #expect(again == .badRequest)
            #expect(StaffFixtures.errorCode(reused) == "invalid_link")
            #expect(images == .ok, "the catalog role reads promotions")
            #expect(staff == .forbidden)
        }
    }

    @Test func nobodyGrantsWhatTheyDontHold() async throws {
        try await TestSupport.withApp { app in
            // setup: someone who manages staff but sees only orders
            let owner = try await StaffFixtures.member(app, email: "olga@example.com", role: "owner")
            let (created, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/roles", token: owner,
                json: [
                    "name": "people", "description": "HR", "permissions": ["staff:read", "staff:write", "orders:read"],
                ])
            try #require(created == .created)
            let hr = try await StaffFixtures.member(app, email: "hana@example.com", role: "people")
            // MUT
            let (asOwner, ownerBody) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/staff", token: hr,
                json: ["email": "eve@example.com", "name": "Eve", "role": "owner"])
            let (role, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/roles", token: hr,
                json: ["name": "settings", "permissions": ["settings:write"]])
            let (key, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/api-keys", token: hr, json: ["name": "sync", "permissions": ["jobs:write"]])
            let olga = try #require(try await app.staff.list().first { $0.role == "owner" }?.id)
            let (demoteOwner, _) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/staff/\(olga)", token: hr, json: ["role": "people"])
            let (peer, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/staff", token: hr,
                json: ["email": "pia@example.com", "name": "Pia", "role": "people"])
            // validate
            #expect(asOwner == .forbidden)
            #expect(StaffFixtures.errorCode(ownerBody) == "cannot_grant")
            #expect(role == .forbidden)
            #expect(key == .forbidden)
            #expect(demoteOwner == .forbidden, "taking away permissions one lacks is granting in reverse")
            #expect(peer == .created)
            #expect(try await StaffMember.query(on: app.db).count() == 3)
            #expect(try await StaffAPIKey.query(on: app.db).filter(\.$name == "sync").count() == 0)
        }
    }

    @Test func theLastOwnerCantBeDemotedOrDisabled() async throws {
        try await TestSupport.withApp { app in
            // setup
            let owner = try await StaffFixtures.member(app, email: "olga@example.com", role: "owner")
            let olga = try #require(try await app.staff.list().first?.id)
            // MUT
            let (demote, body) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/staff/\(olga)", token: owner, json: ["role": "manager"])
            let (disable, _) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/staff/\(olga)", token: owner, json: ["active": false])
            let second = try await StaffFixtures.member(app, email: "otto@example.com", role: "owner")
            let (demoteNow, demoted) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/staff/\(olga)", token: second, json: ["role": "manager"])
            let (olgasRole, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/roles", token: owner, json: ["name": "ops", "permissions": ["orders:read"]])
            // validate
            #expect(demote == .conflict)
            #expect(StaffFixtures.errorCode(body) == "last_owner")
            #expect(disable == .conflict)
            #expect(demoteNow == .ok)
            #expect(demoted["role"] as? String == "manager")
            #expect(olgasRole == .forbidden, "a manager's session has a manager's permissions at once")
        }
    }

    @Test func disablingAMemberEndsTheirSessions() async throws {
        try await TestSupport.withApp { app in
            let owner = try await StaffFixtures.member(app, email: "olga@example.com", role: "owner")
            let sam = try await StaffFixtures.member(app, email: "sam@example.com", role: "support")
            let samID = try #require(try await app.staff.list().first { $0.email == "sam@example.com" }?.id)
            let (disabled, body) = try await StaffFixtures.call(
                app, .PATCH, "/api/v1/admin/staff/\(samID)", token: owner, json: ["active": false])
            let (after, _) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/me", token: sam)
            let (signIn, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/sessions",
                json: ["email": "sam@example.com", "password": StaffFixtures.password])
            #expect(disabled == .ok)
            #expect(body["status"] as? String == "disabled")
            #expect(after == .unauthorized)
            #expect(signIn == .unauthorized)
        }
    }

    @Test func aPasswordResetSignsOutEverySession() async throws {
        try await TestSupport.withApp { app in
            let old = try await StaffFixtures.member(app, email: "olga@example.com", role: "owner")
            let (requested, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/password-reset", json: ["email": "olga@example.com"])
            let (unknown, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/password-reset", json: ["email": "nobody@example.com"])
            let link = try #require(try await StaffFixtures.emailedLinks(app).first)
            let (reset, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/access", json: ["token": link, "password": "a new password!"])
            let (oldSession, _) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/me", token: old)
            #expect(requested == .accepted)
            #expect(unknown == .accepted)
            #expect(try await StaffFixtures.emailedLinks(app).count == 1)
            #expect(reset == .ok)
            #expect(oldSession == .unauthorized)
            _ = try await StaffFixtures.signIn(app, email: "olga@example.com", password: "a new password!")
        }
    }

    @Test func badInputNamesTheFieldAndChangesNothing() async throws {
        try await TestSupport.withApp { app in
            let owner = try await StaffFixtures.member(app, email: "olga@example.com", role: "owner")
            let cases: [([String: Any], String)] = [
                (["email": "not-an-email", "name": "X", "role": "support"], "email"),
                (["email": "x@example.com", "name": "", "role": "support"], "name"),
                (["email": "x@example.com", "name": "X", "role": "wizard"], "role"),
                (["email": "olga@example.com", "name": "X", "role": "support"], "email"),
            ]
            for (body, field) in cases {
                let (status, json) = try await StaffFixtures.call(
                    app, .POST, "/api/v1/admin/staff", token: owner, json: body)
                #expect(status.code >= 400 && status.code < 500, "\(body)")
                let message = (json["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.hasPrefix(field), "\(body): \(message)")
            }
            let (badRole, roleBody) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/roles", token: owner, json: ["name": "Ops!", "permissions": ["orders:read"]])
            let (badPermission, permissionBody) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/roles", token: owner, json: ["name": "ops", "permissions": ["orders:fly"]])
            #expect(badRole == .badRequest)
            #expect(((roleBody["error"] as? [String: Any])?["message"] as? String)?.hasPrefix("name") == true)
            #expect(badPermission == .badRequest)
            #expect(
                ((permissionBody["error"] as? [String: Any])?["message"] as? String)?.contains("orders:fly") == true)
            #expect(try await StaffMember.query(on: app.db).count() == 1)
            #expect(try await StaffCustomRole.query(on: app.db).count() == 0)
        }
    }
}
