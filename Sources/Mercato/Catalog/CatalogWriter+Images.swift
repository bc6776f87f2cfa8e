import Fluent
import Foundation
import SQLKit

/// Image edits: alt text, order and removal. Like every product write they are based on the
/// product's ETag and move its version.
extension CatalogWriter {
    /// Sets the alt text and/or moves the image to `position` (0 is first; past the end is last),
    /// renumbering the others so positions stay 0, 1, 2….
    func updateImage(
        _ imageID: UUID, of productID: UUID, alt: String?, position: Int?, expected: Expected
    ) async throws -> AdminProductDTO {
        let alt = try alt.map { try ProductRules.optional($0, "alt", maximum: ProductImageService.maximumAlt) }
        if let position, !(0...ProductImageService.maximumPosition ~= position) {
            throw InvalidField(name: "position", problem: "must be from 0 to \(ProductImageService.maximumPosition)")
        }
        try await db.transaction { tx in
            let product = try await claim(productID, expected, on: tx)
            var images = try await ProductImage.query(on: tx).filter(\.$product.$id == productID).sort(\.$position)
                .all()
            guard let index = images.firstIndex(where: { $0.id == imageID }) else {
                throw ProductAdminError.imageNotFound
            }
            if let alt { images[index].alt = alt.isEmpty ? product.title : alt }
            if let position {
                let image = images.remove(at: index)
                images.insert(image, at: min(position, images.count))
            }
            try await Self.renumber(images, on: tx)
        }
        await published([])
        return try await reader.product(productID)
    }

    /// Removes the image, and its bytes from storage once the removal committed.
    func deleteImage(_ imageID: UUID, of productID: UUID, expected: Expected) async throws -> AdminProductDTO {
        let key = try await db.transaction { tx in
            _ = try await claim(productID, expected, on: tx)
            var images = try await ProductImage.query(on: tx).filter(\.$product.$id == productID).sort(\.$position)
                .all()
            guard let index = images.firstIndex(where: { $0.id == imageID }) else {
                throw ProductAdminError.imageNotFound
            }
            let image = images.remove(at: index)
            try await image.delete(on: tx)
            try await Self.renumber(images, on: tx)
            return image.storageKey
        }
        do {
            try await storage.delete(key: key)
        } catch {
            logger.warning(
                "a deleted image's bytes stayed in storage", metadata: ["key": "\(key)", "error": "\(error)"])
        }
        await published([])
        return try await reader.product(productID)
    }

    /// Saves the images' positions as their order in `images`, and whatever else changed.
    private static func renumber(_ images: [ProductImage], on tx: any Database) async throws {
        for (position, image) in images.enumerated() {
            image.position = position
            if image.hasChanges { try await image.save(on: tx) }
        }
    }
}
