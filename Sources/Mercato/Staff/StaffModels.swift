import Fluent
import Foundation

/// A member of the shop's staff: separate from customers, signs in to the Admin API (and later the
/// back office) and acts with the permissions of one role.
final class StaffMember: Model, @unchecked Sendable {
    static let schema = "staff_members"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    /// Nil until an invited member chooses a password.
    @OptionalField(key: "password_hash") var passwordHash: String?
    /// A built-in role's name or a custom role's.
    @Field(key: "role") var role: String
    @Field(key: "active") var active: Bool
    /// The TOTP shared secret (base32), set when enrolment starts.
    @OptionalField(key: "totp_secret") var totpSecret: String?
    /// Set once a first code proved the authenticator works; from then on sign-in asks for a code.
    @OptionalField(key: "totp_confirmed_at") var totpConfirmedAt: Date?
    /// The 30-second step of the last code accepted: a code works once, even within its window.
    @OptionalField(key: "totp_last_step") var totpLastStep: Int64?
    @OptionalField(key: "last_sign_in_at") var lastSignInAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// A role a shop defined itself; built-in roles live in code (``BuiltInRole``).
final class StaffCustomRole: Model, @unchecked Sendable {
    static let schema = "staff_roles"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    /// Comma-separated permission names (``StaffPermission/stored(_:)``).
    @Field(key: "permissions") var permissions: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// A signed-in staff session, keyed by the SHA-256 of its bearer token. It ends at `expiresAt`
/// whatever happens, and earlier when unused until `idleExpiresAt`.
final class StaffSession: Model, @unchecked Sendable {
    static let schema = "staff_sessions"

    @ID(custom: "token_hash", generatedBy: .user) var id: String?
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "address") var address: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "idle_expires_at") var idleExpiresAt: Date

    init() {}
}

/// A single-use link sent by email: an invitation to choose a first password, or a password reset.
final class StaffAccessToken: Model, @unchecked Sendable {
    static let schema = "staff_access_tokens"

    enum Purpose: String, Codable, Sendable {
        case invitation
        case passwordReset = "password_reset"
    }

    @ID(custom: "token_hash", generatedBy: .user) var id: String?
    @Field(key: "staff_id") var staffID: UUID
    @Enum(key: "purpose") var purpose: Purpose
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A key for scripts and integrations: its own permissions, shown once, stored as a hash.
final class StaffAPIKey: Model, @unchecked Sendable {
    static let schema = "staff_api_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "key_hash") var keyHash: String
    /// The key's first characters, so a list tells keys apart without revealing one.
    @Field(key: "prefix") var prefix: String
    @Field(key: "permissions") var permissions: String
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}

/// A one-time code that stands in for the authenticator when it is lost.
final class StaffRecoveryCode: Model, @unchecked Sendable {
    static let schema = "staff_recovery_codes"

    @ID(key: .id) var id: UUID?
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "code_hash") var codeHash: String
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}
