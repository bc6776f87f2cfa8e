import Fluent
import Foundation
import Vapor

/// A customer's profile on the wire: never the password hash.
struct CustomerDTO: Content, Equatable {
    var id: UUID
    var email: String
    var name: String
    var createdAt: Date
}

extension Customer {
    func dto() throws -> CustomerDTO {
        CustomerDTO(id: try requireID(), email: email, name: name, createdAt: createdAt)
    }
}

/// A saved address with its id.
struct AddressDTO: Content, Equatable {
    var id: UUID
    var address: PostalAddress
}

/// What registration and sign-in answer: the bearer token and who it belongs to.
struct SignInDTO: Content {
    var token: String
    var customer: CustomerDTO
    /// The customer's cart after merging any guest cart presented at sign-in.
    var cartId: UUID?
}
