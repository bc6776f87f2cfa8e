import Fluent
import FluentSQL
import Foundation
import SQLKit
import Vapor

/// A customer as staff see them: never the password hash or a session token.
struct StaffCustomerDTO: Content, Equatable {
    var id: UUID
    var email: String
    var name: String
    var createdAt: Date
    var disabledAt: Date?
    var disabled: Bool
}

extension Customer {
    func staffDTO() throws -> StaffCustomerDTO {
        StaffCustomerDTO(
            id: try requireID(), email: email, name: name, createdAt: createdAt, disabledAt: disabledAt,
            disabled: disabledAt != nil)
    }
}

/// Staff's view of the customer accounts: list, look up, disable and enable.
extension CustomerService {
    /// The most customers one page holds.
    static let maximumStaffPage = 200
    /// The longest search text for the customers list.
    static let maximumSearchText = 200

    /// Customers newest first, optionally only those whose email or name contains the query's text
    /// (case-insensitive), after the customer `after` (the last of the previous page). Pages on
    /// `(created_at, id)`, compared as stored, which the index keeps in order.
    func staffList(_ list: AdminListQuery) async throws -> [Customer] {
        var query = Customer.query(on: db).sort(\.$createdAt, .descending).sort(\.$id, .descending)
            .limit(min(max(list.limit, 1), Self.maximumStaffPage))
        if let pattern = list.containsPattern {
            query = query.filter(
                .sql(embed: "(email LIKE \(bind: pattern) ESCAPE '!' OR LOWER(name) LIKE \(bind: pattern) ESCAPE '!')"))
        }
        if let after = list.after {
            query = query.filter(
                .sql(
                    embed: "(created_at, id) < (SELECT c.created_at, c.id FROM customers c WHERE c.id = \(bind: after))"
                ))
        }
        return try await query.all()
    }

    /// The customer with this id; 404 `not_found` for an unknown one.
    func staffFind(_ id: UUID) async throws -> Customer {
        guard let customer = try await Customer.find(id, on: db) else {
            throw CustomerError.customerNotFound
        }
        return customer
    }

    /// Disables the account and signs it out everywhere, in one transaction; disabling a disabled
    /// account changes nothing. Its orders and addresses stay.
    @discardableResult
    func disable(_ id: UUID) async throws -> Customer {
        try await db.transaction { tx in
            try await tx.sql.raw(
                """
                UPDATE customers SET disabled_at = \(bind: Date()), updated_at = \(bind: Date())
                WHERE id = \(bind: id) AND disabled_at IS NULL
                """
            ).run()
            try await CustomerSession.query(on: tx).filter(\.$customerID == id).delete()
            try await PasswordResetToken.query(on: tx).filter(\.$customerID == id).filter(\.$usedAt == nil).delete()
            return try await CustomerService.find(id, on: tx)
        }
    }

    /// Lets the account sign in again (with its old password); enabling an enabled one changes nothing.
    @discardableResult
    func enable(_ id: UUID) async throws -> Customer {
        try await db.sql.raw(
            """
            UPDATE customers SET disabled_at = NULL, updated_at = \(bind: Date())
            WHERE id = \(bind: id) AND disabled_at IS NOT NULL
            """
        ).run()
        return try await staffFind(id)
    }

    private static func find(_ id: UUID, on db: any Database) async throws -> Customer {
        guard let customer = try await Customer.find(id, on: db) else {
            throw CustomerError.customerNotFound
        }
        return customer
    }
}
