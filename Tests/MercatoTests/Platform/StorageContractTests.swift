import AWSClient
import AsyncHTTPClient
import Foundation
import Testing

@testable import Mercato

/// One contract every object-storage adapter keeps: the local directory and S3 (against moto).
@Suite struct StorageContractTests {
    enum Adapter: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case local, s3
        var testDescription: String { rawValue }
        static var available: [Adapter] { TestServices.s3Enabled ? [.local, .s3] : [.local] }
    }

    private func withStorage(_ adapter: Adapter, _ body: (any ObjectStorage) async throws -> Void) async throws {
        switch adapter {
        case .local:
            let directory = try TestSupport.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(LocalDirectoryStorage(root: directory))
        case .s3:
            let endpoint = try #require(TestServices.s3Endpoint, "MERCATO_TEST_S3_ENDPOINT is required")
            let bucket = "mercato-\(UUID().uuidString.lowercased().prefix(8))"
            let client = try S3Client(
                configuration: S3Configuration(
                    bucket: bucket, region: "us-east-1", endpoint: endpoint, addressingStyle: .path),
                credentials: AWSCredentials(accessKeyID: "test", secretAccessKey: "test"), httpClient: HTTPClient.shared
            )
            try await client.createBucket()
            try await body(S3ObjectStorage(client: client, publicBaseURL: "\(endpoint)/\(bucket)"))
        }
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
