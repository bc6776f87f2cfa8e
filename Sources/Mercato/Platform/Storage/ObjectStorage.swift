import Foundation
import Vapor

/// A stored object's bytes and type.
struct StoredObject: Sendable {
    var data: Data
    var contentType: String
}

/// The object-storage port: product images and uploads. Local directory by default, S3 in production.
protocol ObjectStorage: Sendable {
    func put(key: String, data: Data, contentType: String) async throws
    /// `nil` when there is no such object.
    func get(key: String) async throws -> StoredObject?
    func delete(key: String) async throws
    /// Where a browser fetches the object: `/media/…` locally, the CDN or bucket URL in production.
    func publicURL(for key: String) -> String
}

extension Application {
    private struct ObjectStorageKey: StorageKey {
        typealias Value = any ObjectStorage
    }

    var objectStorage: any ObjectStorage {
        get {
            guard let storage = storage[ObjectStorageKey.self] else {
                fatalError("MercatoApplication.make sets storage")
            }
            return storage
        }
        set { storage[ObjectStorageKey.self] = newValue }
    }
}

/// A storage key as a URL path: each segment percent-encoded, slashes kept.
func urlPath(forKey key: String) -> String {
    key.split(separator: "/", omittingEmptySubsequences: false).map {
        String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? String($0)
    }.joined(separator: "/")
}
