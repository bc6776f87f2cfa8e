import Fluent
import Foundation

/// A registered customer. The password is only ever stored as a bcrypt hash.
final class Customer: Model, @unchecked Sendable {
    static let schema = "customers"

    @ID(key: .id) var id: UUID?
    /// Lower-cased, unique.
    @Field(key: "email") var email: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "name") var name: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    /// When staff disabled the account: it can't sign in, and its sessions are gone.
    @OptionalField(key: "disabled_at") var disabledAt: Date?

    init() {}
}

/// A saved delivery address.
final class CustomerAddress: Model, @unchecked Sendable {
    static let schema = "customer_addresses"

    @ID(key: .id) var id: UUID?
    @Parent(key: "customer_id") var customer: Customer
    @Field(key: "name") var name: String
    @Field(key: "line1") var line1: String
    @OptionalField(key: "line2") var line2: String?
    @Field(key: "city") var city: String
    @Field(key: "postal_code") var postalCode: String
    @OptionalField(key: "region") var region: String?
    @Field(key: "country") var country: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var postalAddress: PostalAddress {
        PostalAddress(
            name: name, line1: line1, line2: line2, city: city, postalCode: postalCode, country: country,
            region: region)
    }
}

/// A signed-in (or anonymous storefront) session: a browser cookie or an API bearer token.
/// Stored in the database so any instance can serve any request.
final class CustomerSession: Model, @unchecked Sendable {
    static let schema = "sessions"

    enum Kind: String, Codable, Sendable {
        /// A storefront cookie; carries the CSRF token and the visitor's cart.
        case web
        /// A Store API bearer token.
        case api
    }

    @ID(custom: "token_hash", generatedBy: .user) var id: String?
    @Field(key: "kind") var kind: Kind
    @OptionalField(key: "customer_id") var customerID: UUID?
    @OptionalField(key: "cart_id") var cartID: UUID?
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}

/// A single-use password-reset token, stored hashed, valid for an hour.
final class PasswordResetToken: Model, @unchecked Sendable {
    static let schema = "password_reset_tokens"

    @ID(custom: "token_hash", generatedBy: .user) var id: String?
    @Field(key: "customer_id") var customerID: UUID
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
