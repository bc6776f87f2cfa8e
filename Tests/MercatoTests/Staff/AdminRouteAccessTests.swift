import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Every Admin API route declares what it requires, and enforces it: 401 without credentials,
/// 403 for a key holding every permission but the one the route needs.
@Suite struct AdminRouteAccessTests {
    /// The admin routes of the API role, with their path filled in.
    private func adminRoutes(_ app: Application) -> [(route: Route, path: String)] {
        app.routes.all.compactMap { route in
            guard route.path.starts(with: [.constant("api"), .constant("v1"), .constant("admin")]) else { return nil }
            let path = route.path.map { component -> String in
                switch component {
                case .constant(let name): name
                case .parameter: UUID().uuidString
                case .anything, .catchall: "x"
                }
            }
            return (route, "/" + path.joined(separator: "/"))
        }
    }

    @Test func everyAdminRouteDeclaresItsAccess() async throws {
        try await TestSupport.withApp(role: .api) { app in
            let routes = adminRoutes(app)
            #expect(routes.count >= 30)
            let undeclared = routes.filter { $0.route.adminAccess == nil }.map { "\($0.route.method) \($0.path)" }
            #expect(undeclared.isEmpty, "admin routes without a declared access rule: \(undeclared)")
            let open = Set(routes.filter { $0.route.adminAccess == .open }.map(\.path))
            #expect(open == ["/api/v1/admin/sessions", "/api/v1/admin/access", "/api/v1/admin/password-reset"])
        }
    }

    @Test func withoutCredentialsEveryProtectedRouteIs401() async throws {
        try await TestSupport.withApp(role: .api) { app in
            for (route, path) in adminRoutes(app) where route.adminAccess != .open {
                let (status, json) = try await StaffFixtures.call(app, route.method, path, json: [:])
                #expect(status == .unauthorized, "\(route.method) \(path)")
                #expect(StaffFixtures.errorCode(json) == "unauthorized", "\(route.method) \(path)")
                let (wrong, _) = try await StaffFixtures.call(
                    app, route.method, path, token: "mk_not-a-key", json: [:])
                #expect(wrong == .unauthorized, "\(route.method) \(path) with an unknown key")
            }
        }
    }

    @Test func aKeyWithoutTheRoutesPermissionIs403() async throws {
        try await TestSupport.withApp(role: .api) { app in
            for (route, path) in adminRoutes(app) {
                guard case .permission(let needed) = route.adminAccess else { continue }
                // setup: a key with everything but the one permission
                let others = StaffPermission.allCases.filter { $0 != needed }.map(\.rawValue)
                let key = try await StaffAPIKeys(db: app.db).create(
                    name: "all but \(needed)", permissions: others, by: nil)
                // MUT
                let (status, json) = try await StaffFixtures.call(app, route.method, path, token: key.secret, json: [:])
                // validate
                #expect(status == .forbidden, "\(route.method) \(path)")
                #expect(StaffFixtures.errorCode(json) == "forbidden", "\(route.method) \(path)")
                let message = (json["error"] as? [String: Any])?["message"] as? String
                #expect(message?.contains(needed.rawValue) == true, "\(route.method) \(path)")
            }
        }
    }
}
