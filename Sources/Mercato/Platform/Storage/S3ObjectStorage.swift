import AWSClient
import Foundation

/// Objects in an S3 bucket (or an S3-compatible store), served to browsers through the CDN.
struct S3ObjectStorage: ObjectStorage {
    let client: S3Client
    /// `https://cdn.example.com` — or the bucket's own URL when no CDN is configured.
    let publicBaseURL: String

    func put(key: String, data: Data, contentType: String) async throws {
        // Keys are never reused for different content, so every cache on the way may keep them.
        try await client.putObject(
            key: key, body: data, contentType: contentType, cacheControl: "public, max-age=31536000, immutable")
    }

    func get(key: String) async throws -> StoredObject? {
        guard let object = try await client.getObject(key: key) else { return nil }
        return StoredObject(
            data: Data(object.body),
            contentType: object.metadata.contentType
                ?? MediaType.forExtension(
                    (key as NSString).pathExtension))
    }

    func delete(key: String) async throws {
        try await client.deleteObject(key: key)
    }

    func publicURL(for key: String) -> String {
        "\(publicBaseURL)/\(urlPath(forKey: key))"
    }
}
