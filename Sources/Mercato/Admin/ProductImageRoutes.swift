import Foundation
import Vapor

/// Admin API: `POST /api/v1/admin/products/{product}/images` (the product's id or slug) with the
/// raw image as the body.
struct ProductImageRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1", "admin")
            .admin(
                .POST, "products", ":product", "images", access: .permission(.catalogWrite),
                body: .collect(maxSize: "6mb"), use: upload)
    }

    func upload(req: Request) async throws -> Response {
        let data = req.body.data.map { Data($0.readableBytesView) } ?? Data()
        let image = try await req.productImages.add(
            data, toProduct: try await ProductAdminRoutes.productID(req), alt: req.queryParameters["alt"] ?? "")
        return try await image.encodeResponse(status: .created, for: req)
    }
}
