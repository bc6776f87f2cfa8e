import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// API keys for scripts, and the second factor for staff.
@Suite struct StaffKeyAndTwoFactorTests {
    @Test func aKeyIsShownOnceWorksWithinItsPermissionsAndStopsWhenRevoked() async throws {
        try await TestSupport.withApp { app in
            // setup
            let owner = try await StaffFixtures.member(app, email: "olga@example.com", role: "owner")
            // MUT
            let (created, body) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/api-keys", token: owner,
                json: ["name": "warehouse sync", "permissions": ["orders:read", "orders:write"]])
            let secret = try #require(body["secret"] as? String)
            let id = try #require((body["key"] as? [String: Any])?["id"] as? String)
            let (orders, _) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/orders", token: secret)
            let (coupons, _) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/coupons", token: secret)
            let (me, whoAmI) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/me", token: secret)
            let (listed, list) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/api-keys", token: owner)
            let (revoked, _) = try await StaffFixtures.call(app, .DELETE, "/api/v1/admin/api-keys/\(id)", token: owner)
            let (after, _) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/orders", token: secret)
            // validate
            #expect(created == .created)
            #expect(secret.hasPrefix("mk_"))
            #expect(orders == .ok)
            #expect(coupons == .forbidden)
            #expect(me == .ok)
            #expect(whoAmI["kind"] as? String == "apiKey")
            #expect(whoAmI["name"] as? String == "warehouse sync")
            #expect(listed == .ok)
            let listedKey = try #require((list["items"] as? [[String: Any]])?.first { $0["id"] as? String == id })
            #expect(listedKey["secret"] == nil)
            #expect(listedKey["lastUsedAt"] != nil)
            #expect(listedKey["prefix"] as? String == String(secret.prefix(10)))
            #expect(!"\(list)".contains(secret))
            #expect(revoked == .ok)
            #expect(after == .unauthorized)
        }
    }

    @Test func aKeyCantSignOutOrEnrolASecondFactor() async throws {
        try await TestSupport.withApp { app in
            let (signOut, body) = try await StaffFixtures.call(
                app, .DELETE, "/api/v1/admin/sessions/current", token: TestSupport.ownerKey)
            let (totp, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/me/totp", token: TestSupport.ownerKey)
            #expect(signOut == .forbidden)
            #expect(StaffFixtures.errorCode(body) == "staff_session_required")
            #expect(totp == .forbidden)
        }
    }

    /// RFC 6238 appendix B, SHA-1: the last six digits of the published eight.
    @Test func codesMatchTheRFCVectors() {
        let secret = Array("12345678901234567890".utf8)
        #expect(TOTP.code(secret: secret, step: TOTP.step(at: Date(timeIntervalSince1970: 59))) == "287082")
        #expect(TOTP.code(secret: secret, step: TOTP.step(at: Date(timeIntervalSince1970: 1_111_111_109))) == "081804")
        #expect(TOTP.code(secret: secret, step: TOTP.step(at: Date(timeIntervalSince1970: 2_000_000_000))) == "279037")
        #expect(TOTP.decodeBase32(TOTP.base32(secret)) == secret)
        #expect(TOTP.base32(secret) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    }

    @Test func withTwoStepSignInACodeIsNeededAndWorksOnce() async throws {
        try await TestSupport.withApp { app in
            // setup: enrol
            let token = try await StaffFixtures.member(app, email: "olga@example.com", role: "owner")
            let (_, enrolment) = try await StaffFixtures.call(app, .POST, "/api/v1/admin/me/totp", token: token)
            let encoded = try #require(enrolment["secret"] as? String)
            let secret = try #require(TOTP.decodeBase32(encoded))
            let url = try #require(enrolment["otpauthURL"] as? String)
            #expect(url.hasPrefix("otpauth://totp/Mercato%3Aolga@example.com?"), "\(url)")
            #expect(url.contains("secret=\(encoded)&issuer=Mercato"), "\(url)")
            let (wrong, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/me/totp/confirm", token: token, json: ["code": "000000"])
            let first = TOTP.code(secret: secret, step: TOTP.step(at: Date()) - 1)
            let (confirmed, codes) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/me/totp/confirm", token: token, json: ["code": first])
            let recovery = try #require(codes["recoveryCodes"] as? [String])
            // MUT
            let body = ["email": "olga@example.com", "password": StaffFixtures.password]
            let (noCode, noCodeBody) = try await StaffFixtures.call(app, .POST, "/api/v1/admin/sessions", json: body)
            let current = TOTP.code(secret: secret, step: TOTP.step(at: Date()))
            _ = try await StaffFixtures.signIn(app, email: "olga@example.com", code: current)
            var replay = body
            replay["code"] = current
            let (replayed, _) = try await StaffFixtures.call(app, .POST, "/api/v1/admin/sessions", json: replay)
            var withRecovery = body
            withRecovery["code"] = recovery[0].uppercased()
            let (recovered, _) = try await StaffFixtures.call(app, .POST, "/api/v1/admin/sessions", json: withRecovery)
            let (recoveredAgain, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/sessions", json: withRecovery)
            // validate
            #expect(wrong == .unauthorized)
            #expect(confirmed == .ok)
            #expect(recovery.count == StaffTwoFactor.recoveryCodeCount)
            #expect(Set(recovery).count == recovery.count)
            #expect(noCode == .unauthorized)
            #expect(StaffFixtures.errorCode(noCodeBody) == "code_required")
            #expect(replayed == .unauthorized, "a code works once")
            #expect(recovered == .ok)
            #expect(recoveredAgain == .unauthorized)
            let stored = try #require(try await StaffMember.query(on: app.db).first())
            #expect(stored.totpConfirmedAt != nil)
            let (me, profile) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/me", token: token)
            #expect(me == .ok)
            #expect((profile["staff"] as? [String: Any])?["twoFactor"] as? Bool == true)
            #expect(!"\(profile)".contains(encoded))
        }
    }
}
