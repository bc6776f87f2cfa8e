import Fluent
import Foundation
import SQLKit
import Vapor

/// Who is calling the Admin API and what they may do: a signed-in member of staff or an API key.
struct StaffPrincipal: Sendable, Equatable {
    enum Identity: Sendable, Equatable {
        case member(id: UUID, email: String, role: String)
        case apiKey(id: UUID, name: String)
    }

    var identity: Identity
    var permissions: Set<StaffPermission>
    /// The staff session's token hash, for signing out; nil for API keys.
    var sessionID: String?

    /// How order timelines and the audit trail name them.
    var actor: String {
        switch identity {
        case .member(_, let email, _): "staff:\(email)"
        case .apiKey(_, let name): "api-key:\(name)"
        }
    }

    var memberID: UUID? {
        if case .member(let id, _, _) = identity { return id }
        return nil
    }

    /// Throws `cannotGrant` unless every one of `permissions` is one the principal holds.
    func checkCanGrant(_ permissions: Set<StaffPermission>) throws {
        let missing = permissions.subtracting(self.permissions)
        if !missing.isEmpty { throw StaffError.cannotGrant(Array(missing)) }
    }
}

/// What an Admin API route requires. Every admin route declares one (the route table is checked).
enum AdminAccessRule: Sendable, Equatable, CustomStringConvertible {
    /// Reached before signing in: signing in, accepting an invitation, resetting a password.
    case open
    /// Any signed-in member of staff or API key, e.g. for their own profile.
    case signedIn
    case permission(StaffPermission)

    /// The key under which a route's rule is kept in `Route.userInfo`.
    static let userInfoKey = "mercato.adminAccess"

    var description: String {
        switch self {
        case .open: "open"
        case .signedIn: "signed in"
        case .permission(let permission): permission.rawValue
        }
    }
}

/// Enforces a route's ``AdminAccessRule``: 401 without valid credentials, 403 without the permission.
struct AdminAccess: AsyncMiddleware {
    let rule: AdminAccessRule

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard rule != .open else { return try await next.respond(to: request) }
        let principal = try await request.staffPrincipal()
        if case .permission(let needed) = rule, !principal.permissions.contains(needed) {
            throw StaffError.forbidden(needed)
        }
        return try await next.respond(to: request)
    }
}

extension RoutesBuilder {
    /// Registers an Admin API route with the access it requires, enforced and kept on the route.
    @discardableResult
    func admin<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ path: PathComponent..., access: AdminAccessRule,
        body: HTTPBodyStreamStrategy = .collect,
        use closure: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        let route = grouped(AdminAccess(rule: access)).on(method, path, body: body, use: closure)
        route.userInfo[AdminAccessRule.userInfoKey] = access
        return route
    }
}

extension Route {
    /// The access an admin route declared, if it was registered with ``RoutesBuilder/admin``.
    var adminAccess: AdminAccessRule? {
        userInfo[AdminAccessRule.userInfoKey] as? AdminAccessRule
    }
}

extension Request {
    private struct PrincipalKey: StorageKey {
        typealias Value = StaffPrincipal
    }

    /// The caller of an admin route, from `Authorization: Bearer`; 401 if there is none or it's not
    /// valid. Resolved once per request.
    func staffPrincipal() async throws -> StaffPrincipal {
        if let known = storage[PrincipalKey.self] { return known }
        guard let token = headers.bearerAuthorization?.token,
            let principal = try await StaffAuthenticator(db: db).principal(forToken: token)
        else { throw StaffError.unauthenticated }
        storage[PrincipalKey.self] = principal
        return principal
    }
}

/// Turns a bearer token into a principal: API keys start with ``StaffAPIKeys/prefix``, anything
/// else is looked up as a staff session.
struct StaffAuthenticator {
    let db: any Database
    var now: Date = Date()

    /// Last-used times and idle deadlines move at most this often, so a busy script or a busy
    /// member of staff doesn't turn every read into a write.
    static let touchInterval: TimeInterval = 60

    func principal(forToken token: String) async throws -> StaffPrincipal? {
        guard !token.isEmpty, token.count <= 160 else { return nil }
        let hash = SecretToken.hash(token)
        return token.hasPrefix(StaffAPIKeys.prefix) ? try await key(hash) : try await session(hash)
    }

    private func key(_ hash: String) async throws -> StaffPrincipal? {
        let sql = try db.sql
        guard
            let row = try await sql.raw(
                """
                SELECT id, name, permissions, last_used_at FROM staff_api_keys
                WHERE key_hash = \(bind: hash) AND revoked_at IS NULL
                """
            ).first()
        else { return nil }
        let id = try row.decode(column: "id", as: UUID.self)
        let lastUsed = try row.decode(column: "last_used_at", as: Date?.self)
        if lastUsed.map({ now.timeIntervalSince($0) > Self.touchInterval }) ?? true {
            try await sql.raw("UPDATE staff_api_keys SET last_used_at = \(bind: now) WHERE id = \(bind: id)").run()
        }
        return StaffPrincipal(
            identity: .apiKey(id: id, name: try row.decode(column: "name", as: String.self)),
            permissions: try StaffPermission.fromStored(row.decode(column: "permissions", as: String.self)))
    }

    private func session(_ hash: String) async throws -> StaffPrincipal? {
        let sql = try db.sql
        guard
            let row = try await sql.raw(
                """
                SELECT m.id, m.email, m.role, r.permissions, s.expires_at, s.idle_expires_at
                FROM staff_sessions s JOIN staff_members m ON m.id = s.staff_id
                LEFT JOIN staff_roles r ON r.name = m.role
                WHERE s.token_hash = \(bind: hash) AND s.expires_at > \(bind: now)
                AND s.idle_expires_at > \(bind: now) AND m.active = \(bind: true)
                """
            ).first()
        else { return nil }
        let role = try row.decode(column: "role", as: String.self)
        let idleDeadline = try row.decode(column: "idle_expires_at", as: Date.self)
        let renewed = min(
            now.addingTimeInterval(StaffSessions.idleTimeout), try row.decode(column: "expires_at", as: Date.self))
        if renewed.timeIntervalSince(idleDeadline) > Self.touchInterval {
            try await sql.raw(
                "UPDATE staff_sessions SET idle_expires_at = \(bind: renewed) WHERE token_hash = \(bind: hash)"
            ).run()
        }
        let permissions =
            try BuiltInRole(rawValue: role)?.permissions
            ?? StaffPermission.fromStored(row.decode(column: "permissions", as: String?.self) ?? "")
        return StaffPrincipal(
            identity: .member(
                id: try row.decode(column: "id", as: UUID.self),
                email: try row.decode(column: "email", as: String.self),
                role: role),
            permissions: permissions, sessionID: hash)
    }
}
