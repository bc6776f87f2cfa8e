import Fluent
import Foundation
import Vapor

/// API keys for scripts and integrations: named, scoped to permissions, shown once, stored hashed,
/// revocable, with the time they were last used.
struct StaffAPIKeys {
    let db: any Database
    var now: Date = Date()

    /// Every key starts with this, so the authenticator knows where to look and secret scanners
    /// can recognise a leaked one.
    static let prefix = "mk_"

    /// Creates a key; returns it with its secret, which is never shown again. Keys created from
    /// the command line have no principal, and no grant check.
    func create(name rawName: String?, permissions names: [String]?, by principal: StaffPrincipal?) async throws -> (
        key: StaffAPIKey, secret: String
    ) {
        let name = (rawName ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else {
            throw InvalidField(name: "name", problem: "is required (at most 100 characters)")
        }
        let permissions = try StaffPermission.parse(names ?? [], field: "permissions")
        guard !permissions.isEmpty else {
            throw InvalidField(name: "permissions", problem: "must list at least one permission")
        }
        try principal?.checkCanGrant(permissions)
        let secret = Self.prefix + SecretToken.generate()
        let key = StaffAPIKey()
        key.id = UUID()
        key.name = name
        key.keyHash = SecretToken.hash(secret)
        key.prefix = String(secret.prefix(10))
        key.permissions = StaffPermission.stored(permissions)
        key.createdBy = principal?.memberID
        key.createdAt = now
        try await key.create(on: db)
        return (key, secret)
    }

    /// Every key, newest first, revoked ones included (they explain old audit entries).
    func list() async throws -> [StaffAPIKey] {
        try await StaffAPIKey.query(on: db).sort(\.$createdAt, .descending).all()
    }

    /// Revokes a key at once; revoking again changes nothing. Revoking a key with permissions the
    /// principal lacks is refused, as granting them would be.
    func revoke(_ id: UUID, by principal: StaffPrincipal) async throws -> StaffAPIKey {
        guard let key = try await StaffAPIKey.find(id, on: db) else { throw StaffError.apiKeyNotFound }
        try principal.checkCanGrant(try StaffPermission.fromStored(key.permissions))
        if key.revokedAt == nil {
            key.revokedAt = now
            try await key.update(on: db)
        }
        return key
    }
}

/// An API key as lists show it: never its secret.
struct StaffAPIKeyDTO: Content, Equatable {
    var id: UUID
    var name: String
    var prefix: String
    var permissions: [String]
    var createdAt: Date
    var lastUsedAt: Date?
    var revokedAt: Date?

    init(_ key: StaffAPIKey) throws {
        id = try key.requireID()
        name = key.name
        prefix = key.prefix
        permissions = try StaffPermission.fromStored(key.permissions).sorted().map(\.rawValue)
        createdAt = key.createdAt
        lastUsedAt = key.lastUsedAt
        revokedAt = key.revokedAt
    }
}

/// A new key, the only response that carries its secret.
struct StaffNewAPIKeyDTO: Content {
    var key: StaffAPIKeyDTO
    var secret: String
}
