import Fluent
import Foundation
import Vapor

/// Store API orders: `GET /api/v1/orders/{id}`. A guest's order opens with the `X-Order-Token`
/// returned by checkout; a customer's with their bearer token.
struct OrderRoutes: RouteCollection {
    static let tokenHeader = "X-Order-Token"

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1").get("orders", ":id", use: show)
    }

    func show(req: Request) async throws -> OrderDTO {
        try await Self.open(req).dto(on: req.db)
    }

    /// The order of the `id` path parameter, for its guest token or its signed-in owner.
    static func open(_ req: Request) async throws -> Order {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw OrderError.notFound }
        return try await req.orders.open(
            id: id, token: req.headers.first(name: tokenHeader), customerID: try await req.bearerCustomerID())
    }
}
