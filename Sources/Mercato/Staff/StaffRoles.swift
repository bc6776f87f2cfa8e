import Fluent
import Foundation
import SQLKit
import Vapor

/// Built-in and custom roles: what each grants, and the shop's own roles' lifecycle.
struct StaffRoles {
    let db: any Database
    var now: Date = Date()

    /// Whether `name` may name a custom role: 2–40 lower-case letters, digits and `-`, starting
    /// with a letter or digit, and not a built-in role's name.
    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        let allowed = { (byte: UInt8) in (0x61...0x7a).contains(byte) || (0x30...0x39).contains(byte) }
        return (2...40).contains(bytes.count) && allowed(bytes[0]) && bytes.allSatisfy { allowed($0) || $0 == 0x2d }
            && BuiltInRole(rawValue: name) == nil
    }

    /// What the role named `name` grants; an unknown name is a 400 naming `role`.
    func permissions(of name: String) async throws -> Set<StaffPermission> {
        if let builtIn = BuiltInRole(rawValue: name) { return builtIn.permissions }
        guard name.count <= 40, let role = try await StaffCustomRole.query(on: db).filter(\.$name == name).first()
        else { throw StaffError.unknownRole(name) }
        return try StaffPermission.fromStored(role.permissions)
    }

    /// Every role, built-in first, with how many members hold it.
    func list() async throws -> [StaffRoleDTO] {
        let counts = try await db.sql.raw("SELECT role, COUNT(*) AS members FROM staff_members GROUP BY role").all()
            .reduce(into: [String: Int]()) { result, row in
                result[try row.decode(column: "role", as: String.self)] = try row.decode(
                    column: "members", as: Int.self)
            }
        let builtIn = BuiltInRole.allCases.map {
            StaffRoleDTO(
                name: $0.rawValue, description: $0.summary, permissions: $0.permissions.sorted().map(\.rawValue),
                builtIn: true, members: counts[$0.rawValue] ?? 0)
        }
        let custom = try await StaffCustomRole.query(on: db).sort(\.$name).all().map {
            try StaffRoleDTO($0, members: counts[$0.name] ?? 0)
        }
        return builtIn + custom
    }

    /// Creates a custom role; the acting principal must hold every permission it grants.
    func create(_ input: StaffRoleInput, by principal: StaffPrincipal) async throws -> StaffCustomRole {
        guard let rawName = input.name, Self.isValidName(rawName) else {
            throw InvalidField(
                name: "name",
                problem: "must be 2–40 lower-case letters, digits or '-', and not a built-in role's name")
        }
        let permissions = try StaffPermission.parse(input.permissions ?? [], field: "permissions")
        try principal.checkCanGrant(permissions)
        let role = StaffCustomRole()
        role.id = UUID()
        role.name = rawName
        role.description = try Self.validatedDescription(input.description)
        role.permissions = StaffPermission.stored(permissions)
        role.createdAt = now
        role.updatedAt = now
        try await role.create(on: db, refusingDuplicateAs: StaffError.roleNameTaken)
        return role
    }

    /// Changes a custom role's description or permissions. Both the permissions it had and the
    /// ones it gets must be the principal's to grant: nobody edits a role above their own.
    func update(_ name: String, with input: StaffRoleInput, by principal: StaffPrincipal) async throws
        -> StaffCustomRole
    {
        guard let role = try await StaffCustomRole.query(on: db).filter(\.$name == name).first() else {
            throw StaffError.roleNotFound
        }
        if input.name != nil, input.name != name {
            throw InvalidField(name: "name", problem: "can't be changed; create a new role instead")
        }
        try principal.checkCanGrant(try StaffPermission.fromStored(role.permissions))
        if let names = input.permissions {
            let permissions = try StaffPermission.parse(names, field: "permissions")
            try principal.checkCanGrant(permissions)
            role.permissions = StaffPermission.stored(permissions)
        }
        if input.description != nil { role.description = try Self.validatedDescription(input.description) }
        role.updatedAt = now
        try await role.update(on: db)
        return role
    }

    /// Deletes a custom role nobody holds.
    func delete(_ name: String, by principal: StaffPrincipal) async throws {
        try await db.transaction { tx in
            // Written first: on SQLite a transaction that reads first fails ("database is locked")
            // when another writes meanwhile, instead of waiting its turn.
            try await tx.sql.raw("UPDATE staff_roles SET updated_at = \(bind: now) WHERE name = \(bind: name)").run()
            guard let role = try await StaffCustomRole.query(on: tx).filter(\.$name == name).first() else {
                throw StaffError.roleNotFound
            }
            try principal.checkCanGrant(try StaffPermission.fromStored(role.permissions))
            let holders = try await StaffMember.query(on: tx).filter(\.$role == name).count()
            guard holders == 0 else { throw StaffError.roleInUse(members: holders) }
            try await role.delete(on: tx)
        }
    }

    private static func validatedDescription(_ raw: String?) throws -> String {
        let text = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= 300 else { throw InvalidField(name: "description", problem: "is at most 300 characters") }
        return text
    }
}

/// A role as the Admin API shows it.
struct StaffRoleDTO: Content, Equatable {
    var name: String
    var description: String
    var permissions: [String]
    var builtIn: Bool
    var members: Int
}

/// A custom role to create or change.
struct StaffRoleInput: Content {
    var name: String?
    var description: String?
    var permissions: [String]?
}
