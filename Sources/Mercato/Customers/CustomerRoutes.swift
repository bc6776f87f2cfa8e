import Fluent
import Foundation
import SQLKit
import Vapor

/// Store API for accounts: registration, sign-in, password reset, profile, addresses, orders.
struct CustomerRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        api.post("customers", use: register)
        api.post("auth", "login", use: login)
        api.post("auth", "logout", use: logout)
        api.post("auth", "password-reset", use: requestReset)
        api.post("auth", "password-reset", "confirm", use: confirmReset)
        api.get("me", use: profile)
        api.patch("me", use: updateProfile)
        api.get("me", "addresses", use: addresses)
        api.post("me", "addresses", use: addAddress)
        api.delete("me", "addresses", ":id", use: deleteAddress)
        api.get("me", "orders", use: orders)
    }

    struct Registration: Content {
        var email: String
        var password: String
        var name: String
    }

    struct Credentials: Content {
        var email: String
        var password: String
        /// A guest cart to merge into the customer's (send its `X-Cart-Token` too).
        var cartId: UUID?
    }

    func register(req: Request) async throws -> Response {
        let body = try req.content.decode(Registration.self)
        let service = req.customers
        let customer = try await service.register(email: body.email, password: body.password, name: body.name)
        let (_, token) = try await service.openSession(kind: .api, customerID: customer.requireID())
        return try await SignInDTO(token: token, customer: customer.dto()).encodeResponse(status: .created, for: req)
    }

    func login(req: Request) async throws -> SignInDTO {
        let body = try req.content.decode(Credentials.self)
        let service = req.customers
        let customer = try await service.authenticate(
            email: body.email, password: body.password, clientAddress: req.clientAddress)
        let customerID = try customer.requireID()
        var cartID: UUID?
        if let guestID = body.cartId {
            let carts = req.carts
            let guest = try await carts.open(
                id: guestID, token: req.headers.first(name: CartRoutes.tokenHeader), customerID: nil)
            cartID = try await carts.merge(guest: guest, intoCartOf: customerID).requireID()
        } else {
            cartID = try await req.carts.activeCart(ofCustomer: customerID)?.requireID()
        }
        let (_, token) = try await service.openSession(kind: .api, customerID: customerID)
        return SignInDTO(token: token, customer: try customer.dto(), cartId: cartID)
    }

    func logout(req: Request) async throws -> HTTPStatus {
        guard let session = try await req.bearerSession() else { throw CustomerError.authenticationRequired }
        try await req.customers.closeSession(session)
        return .noContent
    }

    struct ResetRequest: Content {
        var email: String
    }

    struct ResetConfirmation: Content {
        var token: String
        var password: String
    }

    struct Accepted: Content {
        var message: String
    }

    func requestReset(req: Request) async throws -> Response {
        let body = try req.content.decode(ResetRequest.self)
        try await req.customers.requestPasswordReset(email: body.email)
        return try await Accepted(message: "If an account exists for this address, a reset link is on its way.")
            .encodeResponse(status: .accepted, for: req)
    }

    func confirmReset(req: Request) async throws -> HTTPStatus {
        let body = try req.content.decode(ResetConfirmation.self)
        try await req.customers.resetPassword(token: body.token, newPassword: body.password)
        return .noContent
    }

    func profile(req: Request) async throws -> CustomerDTO {
        try await req.requireBearerCustomer().dto()
    }

    struct ProfileUpdate: Content {
        var name: String
    }

    func updateProfile(req: Request) async throws -> CustomerDTO {
        let customer = try await req.requireBearerCustomer()
        let body = try req.content.decode(ProfileUpdate.self)
        return try await req.customers.rename(customer, to: body.name).dto()
    }

    struct AddressList: Content {
        var items: [AddressDTO]
    }

    func addresses(req: Request) async throws -> AddressList {
        let book = try await addressBook(req)
        return AddressList(
            items: try await book.all().map { AddressDTO(id: try $0.requireID(), address: $0.postalAddress) })
    }

    func addAddress(req: Request) async throws -> Response {
        let book = try await addressBook(req)
        let saved = try await book.add(try req.content.decode(PostalAddress.self))
        return try await AddressDTO(id: try saved.requireID(), address: saved.postalAddress)
            .encodeResponse(status: .created, for: req)
    }

    func deleteAddress(req: Request) async throws -> HTTPStatus {
        let book = try await addressBook(req)
        let id = try req.uuidParameter("id")
        guard try await book.delete(id: id) else { throw Abort(.notFound, reason: "No saved address with this id.") }
        return .noContent
    }

    private func addressBook(_ req: Request) async throws -> CustomerAddressBook {
        CustomerAddressBook(db: req.db, customerID: try await req.requireBearerCustomer().requireID())
    }

    struct OrderList: Content {
        var items: [OrderSummaryDTO]
    }

    func orders(req: Request) async throws -> OrderList {
        let customer = try await req.requireBearerCustomer()
        return OrderList(items: try await req.orders.history(ofCustomer: customer.requireID()))
    }
}
