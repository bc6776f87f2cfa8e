import Fluent
import Foundation
import Vapor

extension Request {
    /// The customer signed in with `Authorization: Bearer <token>`, or nil for a guest. A token
    /// that is present but wrong or expired is an error, not a silent guest.
    func bearerSession() async throws -> CustomerSession? {
        guard let bearer = headers.bearerAuthorization else { return nil }
        guard let session = try await application.customers.session(forToken: bearer.token, kind: .api),
            session.customerID != nil
        else { throw CustomerError.authenticationRequired }
        return session
    }

    /// The signed-in customer's id, or nil for a guest.
    func bearerCustomerID() async throws -> UUID? {
        try await bearerSession()?.customerID
    }

    /// The signed-in customer; 401 for guests.
    func requireBearerCustomer() async throws -> Customer {
        guard let id = try await bearerCustomerID(), let customer = try await Customer.find(id, on: db),
            customer.disabledAt == nil
        else {
            throw CustomerError.authenticationRequired
        }
        return customer
    }
}
