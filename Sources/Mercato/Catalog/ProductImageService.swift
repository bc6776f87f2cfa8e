import Fluent
import Foundation
import SQLKit
import Vapor

/// A product's images: stored in the object storage, listed in `product_images`.
struct ProductImageService {
    static let maximumBytes = 5 * 1024 * 1024
    /// The longest alt text, in code points as the OpenAPI document counts.
    static let maximumAlt = 200
    /// The furthest position an image may be moved to (past the last is last).
    static let maximumPosition = 1_000

    let db: any Database
    let storage: any ObjectStorage
    let catalogCache: CatalogCache

    /// An upload refused before anything was stored.
    struct UploadRejected: AppError {
        var status: HTTPResponseStatus
        var code: String
        var reason: String
    }

    /// Adds an image (JPEG, PNG, WebP or AVIF, recognised from its bytes, at most 5 MB) after the
    /// product's others; its alt text defaults to the product's title.
    func add(_ data: Data, toProduct productID: UUID, alt: String) async throws -> CatalogDTO.Image {
        guard !data.isEmpty else {
            throw UploadRejected(
                status: .badRequest, code: "empty_body", reason: "send the image bytes as the request body")
        }
        guard data.count <= Self.maximumBytes else {
            throw UploadRejected(
                status: .payloadTooLarge, code: "image_too_large",
                reason: "images may be at most \(Self.maximumBytes / 1024 / 1024) MB")
        }
        guard let format = ImageFormat(sniffing: data) else {
            throw UploadRejected(
                status: .unsupportedMediaType, code: "unsupported_image_type",
                reason: "only JPEG, PNG, WebP and AVIF images are accepted")
        }
        // Counted as the OpenAPI document counts (code points), not as grapheme clusters, which let
        // stacked combining marks far past the documented limit.
        guard alt.unicodeScalars.count <= Self.maximumAlt else {
            throw InvalidParameter(name: "alt", problem: "must be at most \(Self.maximumAlt) characters")
        }
        guard let product = try await Product.find(productID, on: db) else { throw ProductAdminError.productNotFound }
        let key =
            "products/\(productID.uuidString.lowercased())/\(UUID().uuidString.lowercased()).\(format.fileExtension)"
        try await storage.put(key: key, data: data, contentType: format.contentType)
        let position = try await ProductImage.query(on: db).filter(\.$product.$id == productID).count()
        let image = ProductImage(
            productID: productID, storageKey: key, contentType: format.contentType,
            alt: alt.isEmpty ? product.title : alt, position: position, byteSize: data.count)
        do {
            try await db.transaction { tx in
                // The product's version covers its images: an edit based on an older read gets a 412.
                try await tx.sql.raw("UPDATE products SET version = version + 1 WHERE id = \(bind: productID)").run()
                try await image.create(on: tx)
            }
        } catch {
            try? await storage.delete(key: key)
            throw error
        }
        try? await catalogCache.invalidate()
        return CatalogDTO.Image(url: storage.publicURL(for: key), alt: image.alt)
    }
}

extension Request {
    /// Product images on the request's database and the configured storage.
    var productImages: ProductImageService {
        ProductImageService(db: db, storage: application.objectStorage, catalogCache: application.catalogCache)
    }
}
