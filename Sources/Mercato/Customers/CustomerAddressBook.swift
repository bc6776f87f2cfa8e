import Fluent
import Foundation
import Vapor

/// A customer's saved delivery addresses.
struct CustomerAddressBook {
    static let limit = 20

    let db: any Database
    let customerID: UUID

    func all() async throws -> [CustomerAddress] {
        try await CustomerAddress.query(on: db).filter(\.$customer.$id == customerID).sort(\.$createdAt).all()
    }

    /// Saves an address (validated; at most `limit` per customer).
    @discardableResult
    func add(_ raw: PostalAddress, field: String = "address") async throws -> CustomerAddress {
        let address = try raw.validated(field: field)
        guard try await CustomerAddress.query(on: db).filter(\.$customer.$id == customerID).count() < Self.limit else {
            throw InvalidField(name: field, problem: "limit reached: at most \(Self.limit) saved addresses")
        }
        let saved = CustomerAddress()
        saved.id = UUID()
        saved.$customer.id = customerID
        saved.name = address.name
        saved.line1 = address.line1
        saved.line2 = address.line2
        saved.city = address.city
        saved.postalCode = address.postalCode
        saved.region = address.region
        saved.country = address.country
        saved.createdAt = Date()
        try await saved.create(on: db)
        return saved
    }

    /// Deletes one of the customer's own addresses; false when they have none with this id.
    func delete(id: UUID) async throws -> Bool {
        guard
            let address = try await CustomerAddress.query(on: db).filter(\.$id == id)
                .filter(\.$customer.$id == customerID).first()
        else { return false }
        try await address.delete(on: db)
        return true
    }
}

extension Request {
    /// The saved addresses of a customer, on the request's database.
    func addressBook(of customerID: UUID) -> CustomerAddressBook {
        CustomerAddressBook(db: db, customerID: customerID)
    }
}
