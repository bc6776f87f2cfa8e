import Fluent
import Foundation
import Vapor

/// Admin API for the shop's commercial rules: coupons, shipping methods, tax rates. Each handler
/// decodes, calls the owning domain's service and encodes; validation and uniqueness live there.
struct AdminCommerceRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("api", "v1", "admin")
        admin.admin(.GET, "coupons", access: .permission(.promotionsRead), use: coupons)
        admin.admin(.POST, "coupons", access: .permission(.promotionsWrite), use: createCoupon)
        admin.admin(.GET, "shipping-methods", access: .permission(.shippingRead), use: shippingMethods)
        admin.admin(.POST, "shipping-methods", access: .permission(.shippingWrite), use: createShippingMethod)
        admin.admin(.GET, "tax-rates", access: .permission(.shippingRead), use: taxRates)
        admin.admin(.POST, "tax-rates", access: .permission(.shippingWrite), use: createTaxRate)
    }

    struct List<Item: Content>: Content {
        var items: [Item]
    }

    func coupons(req: Request) async throws -> List<CouponDTO> {
        List(items: try await req.coupons.list())
    }

    func createCoupon(req: Request) async throws -> Response {
        let input = try req.content.decode(CouponInput.self)
        return try await req.coupons.create(input).encodeResponse(status: .created, for: req)
    }

    func shippingMethods(req: Request) async throws -> List<ShippingMethodDTO> {
        List(items: try await req.shipping.list())
    }

    func createShippingMethod(req: Request) async throws -> Response {
        let input = try req.content.decode(ShippingMethodInput.self)
        return try await req.shipping.create(input).encodeResponse(status: .created, for: req)
    }

    func taxRates(req: Request) async throws -> List<TaxRateDTO> {
        List(items: try await req.taxes.list())
    }

    func createTaxRate(req: Request) async throws -> Response {
        let input = try req.content.decode(TaxRateInput.self)
        return try await req.taxes.create(input).encodeResponse(status: .created, for: req)
    }
}
