import Fluent
import Foundation
import Vapor

/// Admin API: `POST /api/v1/admin/products/:slug/images` with the raw image as the body.
struct ProductImageRoutes: RouteCollection {
    static let maximumBytes = 5 * 1024 * 1024

    struct UploadRejected: AppError {
        var status: HTTPResponseStatus
        var code: String
        var reason: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1", "admin").grouped(AdminTokenMiddleware())
            .on(.POST, "products", ":slug", "images", body: .collect(maxSize: "6mb"), use: upload)
    }

    func upload(req: Request) async throws -> Response {
        let slug = try req.parameters.require("slug")
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw UploadRejected(
                status: .badRequest, code: "empty_body", reason: "send the image bytes as the request body")
        }
        guard body.readableBytes <= Self.maximumBytes else {
            throw UploadRejected(
                status: .payloadTooLarge, code: "image_too_large",
                reason: "images may be at most \(Self.maximumBytes / 1024 / 1024) MB")
        }
        let data = Data(body.readableBytesView)
        guard let format = ImageFormat(sniffing: data) else {
            throw UploadRejected(
                status: .unsupportedMediaType, code: "unsupported_image_type",
                reason: "only JPEG, PNG, WebP and AVIF images are accepted")
        }
        let alt = req.queryParameters["alt"] ?? ""
        guard alt.count <= 200 else { throw InvalidParameter(name: "alt", problem: "must be at most 200 characters") }
        guard let product = try await Product.query(on: req.db).filter(\.$slug == slug).first(),
            let productID = product.id
        else { throw Abort(.notFound, reason: "no product '\(slug)'") }

        let key =
            "products/\(productID.uuidString.lowercased())/\(UUID().uuidString.lowercased()).\(format.fileExtension)"
        try await req.application.objectStorage.put(key: key, data: data, contentType: format.contentType)
        let position = try await ProductImage.query(on: req.db).filter(\.$product.$id == productID).count()
        let image = ProductImage(
            productID: productID, storageKey: key, contentType: format.contentType,
            alt: alt.isEmpty ? product.title : alt,
            position: position, byteSize: data.count)
        do {
            try await image.create(on: req.db)
        } catch {
            try? await req.application.objectStorage.delete(key: key)
            throw error
        }
        try? await req.application.catalogCache.invalidate()
        let dto = CatalogDTO.Image(url: req.application.objectStorage.publicURL(for: key), alt: image.alt)
        return try await dto.encodeResponse(status: .created, for: req)
    }
}
