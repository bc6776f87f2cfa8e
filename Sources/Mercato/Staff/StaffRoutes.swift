import Fluent
import Foundation
import Vapor

/// The Admin API for staff: signing in and out, one's own account and second factor, emailed
/// links, and managing staff, roles and API keys. Handlers decode, call the service and encode.
struct StaffRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("api", "v1", "admin")
        admin.admin(.POST, "sessions", access: .open, use: signIn)
        admin.admin(.DELETE, "sessions", "current", access: .signedIn, use: signOut)
        admin.admin(.POST, "access", access: .open, use: usePasswordLink)
        admin.admin(.POST, "password-reset", access: .open, use: requestPasswordReset)
        admin.admin(.GET, "me", access: .signedIn, use: me)
        admin.admin(.POST, "me", "totp", access: .signedIn, use: beginTOTP)
        admin.admin(.POST, "me", "totp", "confirm", access: .signedIn, use: confirmTOTP)
        admin.admin(.POST, "me", "totp", "disable", access: .signedIn, use: disableTOTP)
        admin.admin(.GET, "staff", access: .permission(.staffRead), use: list)
        admin.admin(.POST, "staff", access: .permission(.staffWrite), use: invite)
        admin.admin(.PATCH, "staff", ":id", access: .permission(.staffWrite), use: update)
        admin.admin(.GET, "roles", access: .permission(.staffRead), use: roles)
        admin.admin(.POST, "roles", access: .permission(.staffWrite), use: createRole)
        admin.admin(.PATCH, "roles", ":name", access: .permission(.staffWrite), use: updateRole)
        admin.admin(.DELETE, "roles", ":name", access: .permission(.staffWrite), use: deleteRole)
        admin.admin(.GET, "api-keys", access: .permission(.staffRead), use: apiKeys)
        admin.admin(.POST, "api-keys", access: .permission(.staffWrite), use: createAPIKey)
        admin.admin(.DELETE, "api-keys", ":id", access: .permission(.staffWrite), use: revokeAPIKey)
    }

    struct List<Item: Content>: Content {
        var items: [Item]
    }

    struct SignInBody: Content {
        var email: String
        var password: String
        var code: String?
    }

    struct LinkBody: Content {
        var token: String
        var password: String
    }

    struct EmailBody: Content {
        var email: String
    }

    struct CodeBody: Content {
        var code: String
    }

    struct InviteBody: Content {
        var email: String
        var name: String
        var role: String
    }

    struct APIKeyBody: Content {
        var name: String?
        var permissions: [String]?
    }

    struct RecoveryCodes: Content {
        var recoveryCodes: [String]
    }

    func signIn(req: Request) async throws -> StaffSignInDTO {
        let body = try req.content.decode(SignInBody.self)
        let (token, session, member) = try await req.staff.signIn(
            email: body.email, password: body.password, code: body.code, address: req.clientAddress)
        let permissions = try await StaffRoles(db: req.db).permissions(of: member.role)
        return StaffSignInDTO(
            token: token, expiresAt: session.expiresAt, staff: try StaffMemberDTO(member),
            permissions: permissions.sorted().map(\.rawValue))
    }

    func signOut(req: Request) async throws -> HTTPStatus {
        guard let session = try await req.staffPrincipal().sessionID else { throw StaffError.sessionRequired }
        try await req.staff.signOut(sessionID: session)
        return .noContent
    }

    func usePasswordLink(req: Request) async throws -> StaffMemberDTO {
        let body = try req.content.decode(LinkBody.self)
        return try StaffMemberDTO(try await req.staff.usePasswordLink(token: body.token, password: body.password))
    }

    func requestPasswordReset(req: Request) async throws -> Response {
        let body = try req.content.decode(EmailBody.self)
        try await req.staff.requestPasswordReset(email: body.email)
        return try await CustomerRoutes.Accepted(
            message: "If a member of staff has this address, a reset link is on its way."
        ).encodeResponse(status: .accepted, for: req)
    }

    func me(req: Request) async throws -> StaffMeDTO {
        let principal = try await req.staffPrincipal()
        var member: StaffMember?
        if let id = principal.memberID { member = try await StaffMember.find(id, on: req.db) }
        return try StaffMeDTO(principal, member: member)
    }

    func beginTOTP(req: Request) async throws -> StaffTOTPEnrolment {
        try await StaffTwoFactor(db: req.db).begin(for: try await signedInMember(req))
    }

    func confirmTOTP(req: Request) async throws -> RecoveryCodes {
        let body = try req.content.decode(CodeBody.self)
        let codes = try await StaffTwoFactor(db: req.db).confirm(body.code, for: try await signedInMember(req))
        return RecoveryCodes(recoveryCodes: codes)
    }

    func disableTOTP(req: Request) async throws -> HTTPStatus {
        let body = try req.content.decode(CodeBody.self)
        try await StaffTwoFactor(db: req.db).disable(with: body.code, for: try await signedInMember(req))
        return .noContent
    }

    func list(req: Request) async throws -> List<StaffMemberDTO> {
        List(items: try await req.staff.list().map(StaffMemberDTO.init))
    }

    func invite(req: Request) async throws -> Response {
        let body = try req.content.decode(InviteBody.self)
        let member = try await req.staff.invite(
            email: body.email, name: body.name, role: body.role, by: try await req.staffPrincipal())
        return try await StaffMemberDTO(member).encodeResponse(status: .created, for: req)
    }

    func update(req: Request) async throws -> StaffMemberDTO {
        let id = try req.uuidParameter("id")
        let change = try req.content.decode(StaffChange.self)
        return try StaffMemberDTO(try await req.staff.update(id, with: change, by: try await req.staffPrincipal()))
    }

    func roles(req: Request) async throws -> List<StaffRoleDTO> {
        List(items: try await StaffRoles(db: req.db).list())
    }

    func createRole(req: Request) async throws -> Response {
        let input = try req.content.decode(StaffRoleInput.self)
        let role = try await StaffRoles(db: req.db).create(input, by: try await req.staffPrincipal())
        return try await StaffRoleDTO(role, members: 0).encodeResponse(status: .created, for: req)
    }

    func updateRole(req: Request) async throws -> StaffRoleDTO {
        let name = try req.parameters.require("name")
        let input = try req.content.decode(StaffRoleInput.self)
        let role = try await StaffRoles(db: req.db).update(name, with: input, by: try await req.staffPrincipal())
        let members = try await StaffMember.query(on: req.db).filter(\.$role == name).count()
        return try StaffRoleDTO(role, members: members)
    }

    func deleteRole(req: Request) async throws -> HTTPStatus {
        try await StaffRoles(db: req.db).delete(try req.parameters.require("name"), by: try await req.staffPrincipal())
        return .noContent
    }

    func apiKeys(req: Request) async throws -> List<StaffAPIKeyDTO> {
        List(items: try await StaffAPIKeys(db: req.db).list().map(StaffAPIKeyDTO.init))
    }

    func createAPIKey(req: Request) async throws -> Response {
        let body = try req.content.decode(APIKeyBody.self)
        let (key, secret) = try await StaffAPIKeys(db: req.db).create(
            name: body.name, permissions: body.permissions, by: try await req.staffPrincipal())
        return try await StaffNewAPIKeyDTO(key: StaffAPIKeyDTO(key), secret: secret)
            .encodeResponse(status: .created, for: req)
    }

    func revokeAPIKey(req: Request) async throws -> StaffAPIKeyDTO {
        let id = try req.uuidParameter("id")
        return try StaffAPIKeyDTO(try await StaffAPIKeys(db: req.db).revoke(id, by: try await req.staffPrincipal()))
    }

    /// The member behind the session; API keys have no account of their own.
    private func signedInMember(_ req: Request) async throws -> StaffMember {
        guard let id = try await req.staffPrincipal().memberID else { throw StaffError.sessionRequired }
        guard let member = try await StaffMember.find(id, on: req.db) else { throw StaffError.unauthenticated }
        return member
    }
}
