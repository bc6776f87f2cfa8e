import Fluent
import Foundation
import Vapor

/// A member of staff as the Admin API shows them: never a password hash or a TOTP secret.
struct StaffMemberDTO: Content, Equatable {
    enum Status: String, Content {
        /// Invited, no password chosen yet.
        case invited
        case active
        case disabled
    }

    var id: UUID
    var email: String
    var name: String
    var role: String
    var status: Status
    var twoFactor: Bool
    var lastSignInAt: Date?
    var createdAt: Date

    init(_ member: StaffMember) throws {
        id = try member.requireID()
        email = member.email
        name = member.name
        role = member.role
        status = !member.active ? .disabled : member.passwordHash == nil ? .invited : .active
        twoFactor = member.totpConfirmedAt != nil
        lastSignInAt = member.lastSignInAt
        createdAt = member.createdAt
    }
}

/// A new staff session: the bearer token (shown only now), when it ends at the latest, who it is
/// and what they may do.
struct StaffSignInDTO: Content {
    var token: String
    var expiresAt: Date
    var staff: StaffMemberDTO
    var permissions: [String]
}

/// The caller of `GET /api/v1/admin/me`: a member of staff or an API key, with its permissions.
struct StaffMeDTO: Content, Equatable {
    enum Kind: String, Content {
        case staff
        case apiKey
    }

    var kind: Kind
    var name: String
    var staff: StaffMemberDTO?
    var permissions: [String]

    init(_ principal: StaffPrincipal, member: StaffMember?) throws {
        permissions = principal.permissions.sorted().map(\.rawValue)
        switch principal.identity {
        case .member(_, let email, _):
            kind = .staff
            name = member?.name ?? email
            staff = try member.map(StaffMemberDTO.init)
        case .apiKey(_, let name):
            kind = .apiKey
            self.name = name
        }
    }
}

extension StaffRoleDTO {
    init(_ role: StaffCustomRole, members: Int) throws {
        self.init(
            name: role.name, description: role.description,
            permissions: try StaffPermission.fromStored(role.permissions).sorted().map(\.rawValue), builtIn: false,
            members: members)
    }
}
