import AWSClient
import Foundation

/// Objects in an S3 bucket (or an S3-compatible store), served to browsers through the CDN.
///
/// Every key is stored under `keyPrefix` (`media/` in staging and production), because CloudFront passes
/// the viewer's path to S3 as the object key: `/media/products/…` finds `media/products/…`. The app's
/// keys stay prefix-free; only this adapter knows where they live in the bucket.
struct S3ObjectStorage: ObjectStorage {
    let client: S3Client
    /// `https://shop.example.com` (the CDN, whose paths mirror the bucket's keys), or the bucket's own URL.
    let publicBaseURL: String
    /// Empty, or folder names ending in `/` (`media/`).
    let keyPrefix: String

    init(client: S3Client, publicBaseURL: String, keyPrefix: String = "") {
        self.client = client
        self.publicBaseURL = publicBaseURL
        self.keyPrefix = keyPrefix
    }

    func put(key: String, data: Data, contentType: String) async throws {
        // Keys are never reused for different content, so every cache on the way may keep them.
        try await client.putObject(
            key: keyPrefix + key, body: data, contentType: contentType,
            cacheControl: "public, max-age=31536000, immutable")
    }

    func get(key: String) async throws -> StoredObject? {
        guard let object = try await client.getObject(key: keyPrefix + key) else { return nil }
        return StoredObject(
            data: Data(object.body),
            contentType: object.metadata.contentType
                ?? MediaType.forExtension(
                    (key as NSString).pathExtension))
    }

    func delete(key: String) async throws {
        try await client.deleteObject(key: keyPrefix + key)
    }

    func publicURL(for key: String) -> String {
        "\(publicBaseURL)/\(urlPath(forKey: keyPrefix + key))"
    }
}
