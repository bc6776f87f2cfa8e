import Foundation
import Vapor

/// Store API: `GET /api/v1/shipping-methods?country=DE&region=BY`.
struct ShippingRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1").get("shipping-methods", use: shippingMethods)
    }

    struct ShippingOptions: Content {
        var items: [ShippingOption]
    }

    /// Methods that ship to `country` (and `region`) with their base price.
    func shippingMethods(req: Request) async throws -> ShippingOptions {
        let parameters = req.queryParameters
        guard let country = parameters["country"]?.uppercased(), country.count == 2,
            country.allSatisfy({ $0.isASCII && $0.isLetter })
        else { throw InvalidParameter(name: "country", problem: "is required: a two-letter ISO code such as DE") }
        let region = parameters["region"].flatMap { $0.isEmpty ? nil : String($0.prefix(10)).uppercased() }
        return ShippingOptions(items: try await req.shipping.options(country: country, region: region))
    }
}
