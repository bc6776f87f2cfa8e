import Fluent
import Foundation
import Vapor

/// Admin API for customer accounts: the list with search, one customer with their addresses and
/// orders, and disabling or enabling an account. Never a password hash or a session token.
struct AdminCustomerRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let customers = routes.grouped("api", "v1", "admin", "customers")
        customers.admin(.GET, access: .permission(.customersRead), use: list)
        customers.admin(.GET, ":id", access: .permission(.customersRead), use: show)
        customers.admin(.POST, ":id", "disable", access: .permission(.customersWrite), use: disable)
        customers.admin(.POST, ":id", "enable", access: .permission(.customersWrite), use: enable)
    }

    /// One page of customers, and the cursor for the next one (absent on the last).
    struct CustomerPage: Content {
        var items: [StaffCustomerDTO]
        var next: String?
    }

    /// A customer with what support needs to help them.
    struct CustomerDetail: Content {
        var customer: StaffCustomerDTO
        var addresses: [AddressDTO]
        /// Newest first, at most 200.
        var orders: [OrderSummaryDTO]
    }

    func list(req: Request) async throws -> CustomerPage {
        let list = try AdminListQuery(
            req.queryParameters, maximumLimit: CustomerService.maximumStaffPage,
            maximumText: CustomerService.maximumSearchText)
        let items = try await req.customers.staffList(list).map { try $0.staffDTO() }
        return CustomerPage(items: items, next: list.next(after: items.map(\.id)))
    }

    func show(req: Request) async throws -> CustomerDetail {
        let customer = try await req.customers.staffFind(try req.uuidParameter("id"))
        let id = try customer.requireID()
        let addresses = try await req.addressBook(of: id).all()
        return CustomerDetail(
            customer: try customer.staffDTO(),
            addresses: try addresses.map { AddressDTO(id: try $0.requireID(), address: $0.postalAddress) },
            orders: try await req.orders.history(ofCustomer: id))
    }

    func disable(req: Request) async throws -> StaffCustomerDTO {
        try await req.customers.disable(try req.uuidParameter("id")).staffDTO()
    }

    func enable(req: Request) async throws -> StaffCustomerDTO {
        try await req.customers.enable(try req.uuidParameter("id")).staffDTO()
    }
}
