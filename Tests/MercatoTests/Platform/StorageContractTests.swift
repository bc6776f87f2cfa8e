import AWSClient
import AsyncHTTPClient
import Foundation
import Testing

@testable import Mercato

/// One contract every object-storage adapter keeps: the local directory and S3 (against moto).
@Suite struct StorageContractTests {
    enum Adapter: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case local, s3
        /// S3 with the key prefix staging and production use (`media/`).
        case s3Prefixed = "s3 with keyPrefix media/"
        var testDescription: String { rawValue }
        static var available: [Adapter] { TestServices.s3Enabled ? [.local, .s3, .s3Prefixed] : [.local] }
    }

    private func withStorage(_ adapter: Adapter, _ body: (any ObjectStorage) async throws -> Void) async throws {
        switch adapter {
        case .local:
            let directory = try TestSupport.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(LocalDirectoryStorage(root: directory))
        case .s3, .s3Prefixed:
            let (client, bucketURL) = try await makeBucket()
            try await body(
                S3ObjectStorage(
                    client: client, publicBaseURL: bucketURL, keyPrefix: adapter == .s3Prefixed ? "media/" : ""))
        }
    }

    /// A fresh bucket on moto, and its path-style URL.
    private func makeBucket() async throws -> (S3Client, String) {
        let endpoint = try #require(TestServices.s3Endpoint, "MERCATO_TEST_S3_ENDPOINT is required")
        let bucket = "mercato-\(UUID().uuidString.lowercased().prefix(8))"
        let client = try S3Client(
            configuration: S3Configuration(
                bucket: bucket, region: "us-east-1", endpoint: endpoint, addressingStyle: .path),
            credentials: AWSCredentials(accessKeyID: "test", secretAccessKey: "test"), httpClient: HTTPClient.shared
        )
        try await client.createBucket()
        return (client, "\(endpoint)/\(bucket)")
    }

    @Test(.enabled(if: TestServices.s3Enabled)) func s3KeyPrefixPutsObjectsWhereTheCDNLooksAndLinksThere()
        async throws
    {
        // setup: the production layout, CloudFront at the shop's root sending /media/* to the bucket
        let (client, _) = try await makeBucket()
        let storage = S3ObjectStorage(client: client, publicBaseURL: "https://shop.example.com", keyPrefix: "media/")
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 9, 9])
        // MUT
        try await storage.put(key: "products/p1/a b.png", data: png, contentType: "image/png")
        // validate: the bucket holds it under media/ (CloudFront's path is the object key), nothing outside
        let stored = try await client.getObject(key: "media/products/p1/a b.png")
        #expect(stored.map { Data($0.body) } == png)
        #expect(stored?.metadata.contentType == "image/png")
        let unprefixed = try await client.getObject(key: "products/p1/a b.png")
        #expect(unprefixed == nil)
        #expect(storage.publicURL(for: "products/p1/a b.png") == "https://shop.example.com/media/products/p1/a%20b.png")
        // The app's own /media route (the CDN's fallback origin) reads through the same prefix.
        let viaAdapter = try await storage.get(key: "products/p1/a b.png")
        #expect(viaAdapter?.data == png)
        try await storage.delete(key: "products/p1/a b.png")
        let deleted = try await client.getObject(key: "media/products/p1/a b.png")
        #expect(deleted == nil)
    }

    @Test(arguments: Adapter.available) func roundTripsBytesAndType(adapter: Adapter) async throws {
        try await withStorage(adapter) { storage in
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 1, 2, 3])
            try await storage.put(key: "products/p1/image one.png", data: png, contentType: "image/png")
            let stored = try await storage.get(key: "products/p1/image one.png")
            #expect(stored?.data == png)
            #expect(stored?.contentType == "image/png")
            try await storage.delete(key: "products/p1/image one.png")
            let deleted = try await storage.get(key: "products/p1/image one.png")
            #expect(deleted == nil)
        }
    }

    @Test(arguments: Adapter.available) func missingObjectsAreNil(adapter: Adapter) async throws {
        try await withStorage(adapter) { storage in
            let missing = try await storage.get(key: "nothing/here.png")
            #expect(missing == nil)
        }
    }

    @Test(arguments: Adapter.available) func publicURLsPointAtTheKey(adapter: Adapter) async throws {
        try await withStorage(adapter) { storage in
            let url = storage.publicURL(for: "products/p1/a b.png")
            #expect(url.hasSuffix("/products/p1/a%20b.png"))
        }
    }

    @Test func localStorageRefusesKeysThatEscapeItsDirectory() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = LocalDirectoryStorage(root: directory)
        for key in ["../outside.png", "/etc/passwd", "a/../../b", ""] {
            await #expect(throws: StorageKeyError.self) {
                try await storage.put(key: key, data: Data([1]), contentType: "x")
            }
        }
    }
}
