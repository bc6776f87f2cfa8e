import Foundation
import Vapor

/// Admin API: `POST /api/v1/admin/products/:slug/images` with the raw image as the body.
struct ProductImageRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1", "admin")
            .admin(
                .POST, "products", ":slug", "images", access: .permission(.catalogWrite),
                body: .collect(maxSize: "6mb"), use: upload)
    }

    func upload(req: Request) async throws -> Response {
        let data = req.body.data.map { Data($0.readableBytesView) } ?? Data()
        let image = try await req.productImages.add(
            data, toProduct: try req.parameters.require("slug"), alt: req.queryParameters["alt"] ?? "")
        return try await image.encodeResponse(status: .created, for: req)
    }
}
