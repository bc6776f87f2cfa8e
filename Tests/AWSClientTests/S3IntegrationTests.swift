import AWSClient
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Round trips against a real `moto_server` (MERCATO_TEST_S3_ENDPOINT). Every test creates its own
/// bucket, so tests can run in parallel and need no reset between runs.
@Suite("S3 against moto", .enabled(if: TestServices.s3Enabled))
struct S3IntegrationTests {
    static let credentials = AWSCredentials(accessKeyID: "test", secretAccessKey: "test")

    /// A client for a fresh bucket, created on the server.
    static func freshBucket(
        payloadSigning: AWSHTTPRequest.PayloadSigning = .signed
    ) async throws -> S3Client {
        let endpoint = try #require(TestServices.s3Endpoint, TestServices.missing("MERCATO_TEST_S3_ENDPOINT"))
        let bucket = "mercato-" + UUID().uuidString.lowercased().prefix(18)
        let client = try S3Client(
            configuration: S3Configuration(
                bucket: String(bucket),
                region: "us-east-1",
                endpoint: endpoint,
                addressingStyle: .path,
                payloadSigning: payloadSigning
            ),
            credentials: credentials,
            httpClient: HTTPClient.shared
        )
        try await client.createBucket()
        return client
    }

    @Test("put, get, head and delete round-trip the body, content type, cache control, ETag and metadata")
    func roundTrip() async throws {
        let client = try await Self.freshBucket()
        let body = Array("hello, Mercato".utf8)
        let put = try await client.putObject(
            key: "docs/hello.txt",
            body: body,
            contentType: "text/plain; charset=utf-8",
            cacheControl: "public, max-age=60",
            metadata: ["Origin": "integration-test"]
        )
        let eTag = try #require(put.eTag)
        #expect(eTag.count == 32)

        let object = try #require(try await client.getObject(key: "docs/hello.txt"))
        #expect(object.body == body)
        #expect(object.contentType == "text/plain; charset=utf-8")
        #expect(object.eTag == eTag)
        #expect(object.metadata.cacheControl == "public, max-age=60")

        let head = try #require(try await client.headObject(key: "docs/hello.txt"))
        #expect(head.contentLength == body.count)
        #expect(head.contentType == "text/plain; charset=utf-8")
        #expect(head.eTag == eTag)
        #expect(head.metadata == ["origin": "integration-test"])
        let lastModified = try #require(head.lastModified)
        #expect(abs(lastModified.timeIntervalSinceNow) < 300)

        try await client.deleteObject(key: "docs/hello.txt")
        #expect(try await client.getObject(key: "docs/hello.txt") == nil)
        #expect(try await client.headObject(key: "docs/hello.txt") == nil)
    }

    @Test("Binary bodies survive byte for byte, with signed and with unsigned payloads")
    func binaryBody() async throws {
        var body = (0..<4096).map { UInt8(truncatingIfNeeded: $0) }
        var generator = SystemRandomNumberGenerator()
        body += (0..<(256 * 1024)).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        for signing in [AWSHTTPRequest.PayloadSigning.signed, .unsigned] {
            let client = try await Self.freshBucket(payloadSigning: signing)
            try await client.putObject(key: "blob.bin", body: body, contentType: "application/octet-stream")
            let object = try #require(try await client.getObject(key: "blob.bin"))
            #expect(object.body == body, "payload signing \(signing)")
            #expect(object.metadata.contentLength == body.count)
        }
    }

    @Test("Keys with spaces, '+', unicode and slashes are stored and read back as distinct literal keys")
    func awkwardKeys() async throws {
        let client = try await Self.freshBucket()
        let keys = [
            "folder/sub folder/naïve café.txt",
            "a b",
            "a+b",
            "日本語/ファイル 1.txt",
            "emoji/😀 smile",
            "percent%20literal",
            "symbols/!'()*$&=;:@,?#[]",
        ]
        for key in keys {
            try await client.putObject(key: key, body: Array(key.utf8), contentType: "text/plain")
        }
        for key in keys {
            let object = try #require(try await client.getObject(key: key), "key \(key)")
            #expect(String(decoding: object.body, as: UTF8.self) == key)
        }
        // Had '+' been sent as a space, or %20 decoded twice, these would alias an existing key.
        #expect(try await client.getObject(key: "a%20b") == nil)
        #expect(try await client.getObject(key: "percent literal") == nil)
    }

    @Test("A missing key is nil; a missing bucket is a typed NoSuchBucket error")
    func notFound() async throws {
        let client = try await Self.freshBucket()
        #expect(try await client.getObject(key: "does/not/exist") == nil)
        #expect(try await client.headObject(key: "does/not/exist") == nil)
        try await client.deleteObject(key: "does/not/exist")

        let endpoint = try #require(TestServices.s3Endpoint)
        let missingBucket = try S3Client(
            configuration: S3Configuration(
                bucket: "mercato-no-such-bucket-\(UUID().uuidString.lowercased().prefix(8))",
                region: "us-east-1",
                endpoint: endpoint,
                addressingStyle: .path
            ),
            credentials: Self.credentials,
            httpClient: HTTPClient.shared
        )
        let error = await #expect(throws: AWSError.self) {
            _ = try await missingBucket.getObject(key: "k")
        }
        #expect(error?.code == "NoSuchBucket")
        #expect(error?.statusCode == 404)
        if case .service(_, let message, _, _)? = error {
            #expect(!message.isEmpty)
        }
    }

    @Test("Outside us-east-1 the bucket is created with its location constraint and used in that region")
    func otherRegion() async throws {
        let endpoint = try #require(TestServices.s3Endpoint, TestServices.missing("MERCATO_TEST_S3_ENDPOINT"))
        let client = try S3Client(
            configuration: S3Configuration(
                bucket: "mercato-eu-" + UUID().uuidString.lowercased().prefix(8),
                region: "eu-west-1",
                endpoint: endpoint,
                addressingStyle: .path
            ),
            credentials: Self.credentials,
            httpClient: HTTPClient.shared
        )
        try await client.createBucket()
        try await client.putObject(key: "k", body: Array("eu".utf8))
        #expect(try await client.getObject(key: "k")?.body == Array("eu".utf8))
        // Creating it again must surface the service's typed answer rather than succeed silently.
        let error = await #expect(throws: AWSError.self) { try await client.createBucket() }
        #expect(error?.code == "BucketAlreadyOwnedByYou")
        #expect(error?.statusCode == 409)
    }

    @Test("A presigned GET URL returns the object to a plain, unsigned HTTP GET")
    func presignedGet() async throws {
        let client = try await Self.freshBucket()
        let key = "shared/report 2024 é.pdf"
        let body = (0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try await client.putObject(key: key, body: body, contentType: "application/pdf")

        let url = try client.presignedGetURL(key: key, expiresIn: .seconds(300))
        let query = try #require(url.query)
        #expect(query.contains("X-Amz-Expires=300"))
        #expect(query.contains("X-Amz-Signature="))

        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: url.absoluteString), timeout: .seconds(10))
        #expect(response.status == .ok)
        #expect(response.headers.first(name: "content-type") == "application/pdf")
        let fetched = try await response.body.collect(upTo: 1 << 20)
        #expect(Array(fetched.readableBytesView) == body)
    }
}
