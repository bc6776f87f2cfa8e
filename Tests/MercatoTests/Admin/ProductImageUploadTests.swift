import AWSClient
import AsyncHTTPClient
import Fluent
import Foundation
import NIOCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

@Suite(.serialized) struct ProductImageUploadTests {
    static let token = "mk_test-owner-key"
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64))
    static let catalogue = [CatalogFixtures.product("Court Sneakers", category: "sneakers")]

    private func upload(
        _ app: Application, slug: String = "court-sneakers", body: Data, token: String? = token, query: String = ""
    ) async throws -> (HTTPStatus, String) {
        var headers: HTTPHeaders = ["Content-Type": "image/png"]
        if let token { headers.bearerAuthorization = .init(token: token) }
        var result: (HTTPStatus, String) = (.ok, "")
        try await app.testing().test(
            .POST, "/api/v1/admin/products/\(slug)/images\(query)", headers: headers, body: ByteBuffer(bytes: body)
        ) { response in
            result = (response.status, response.body.string)
        }
        return result
    }

    private func imageCount(_ app: Application) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM product_images").first()?.decode(column: "n", as: Int.self)
            ?? -1
    }

    @Test func aPNGIsStoredAndShownOnTheProduct() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            // MUT
            let (status, body) = try await upload(app, body: Self.png, query: "?alt=Side%20view")
            // validate
            #expect(status == .created)
            #expect(body.contains("Side view"))
            try await app.testing().test(.GET, "/api/v1/products/court-sneakers") { response in
                let product = try response.content.decode(CatalogDTO.ProductDetail.self)
                let image = try #require(product.images.first)
                #expect(image.alt == "Side view")
                #expect(image.url.hasPrefix("/media/products/") && image.url.hasSuffix(".png"))
                try await app.testing().test(.GET, image.url) { media in
                    #expect(media.status == .ok)
                    #expect(media.headers.contentType == .png)
                    #expect(media.headers.first(name: .cacheControl) == "public, max-age=31536000, immutable")
                    #expect(Data(media.body.readableBytesView) == Self.png)
                }
            }
        }
    }

    @Test(.enabled(if: TestServices.s3Enabled)) func onS3AnUploadLandsUnderMediaAndLinksThroughTheCDN() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            // setup: production's storage layout on moto, behind a CDN at the shop's root
            let endpoint = try #require(TestServices.s3Endpoint, "MERCATO_TEST_S3_ENDPOINT is required")
            let client = try S3Client(
                configuration: S3Configuration(
                    bucket: "mercato-\(UUID().uuidString.lowercased().prefix(8))", region: "us-east-1",
                    endpoint: endpoint, addressingStyle: .path),
                credentials: AWSCredentials(accessKeyID: "test", secretAccessKey: "test"), httpClient: HTTPClient.shared
            )
            try await client.createBucket()
            app.objectStorage = S3ObjectStorage(
                client: client, publicBaseURL: "https://shop.example.com", keyPrefix: "media/")
            // MUT
            let (status, _) = try await upload(app, body: Self.png)
            // validate
            #expect(status == .created)
            var imageURL = ""
            try await app.testing().test(.GET, "/api/v1/products/court-sneakers") { response in
                let product = try response.content.decode(CatalogDTO.ProductDetail.self)
                imageURL = try #require(product.images.first).url
            }
            let path = try #require(
                imageURL.wholeMatch(of: /https:\/\/shop\.example\.com(\/media\/products\/.+\.png)/)?.1)
            // CloudFront's /media/* origin: the object key is the URL path without its leading slash.
            let stored = try await client.getObject(key: String(path.dropFirst()))
            #expect(stored.map { Data($0.body) } == Self.png)
            // Its fallback origin, the app, serves the same path through the same prefix.
            try await app.testing().test(.GET, String(path)) { media in
                #expect(media.status == .ok)
                #expect(Data(media.body.readableBytesView) == Self.png)
            }
        }
    }

    @Test func rejectedUploadsChangeNothing() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            let gif = Data("GIF89a".utf8) + Data(repeating: 0, count: 20)
            let html = Data("<html><script>alert(1)</script></html>".utf8)
            let huge = Self.png + Data(repeating: 0, count: ProductImageService.maximumBytes)
            let cases: [(Data, String?, String, HTTPStatus, String)] = [
                (Self.png, nil, "court-sneakers", .unauthorized, "unauthorized"),
                (Self.png, "wrong-token", "court-sneakers", .unauthorized, "unauthorized"),
                (gif, Self.token, "court-sneakers", .unsupportedMediaType, "unsupported_image_type"),
                (html, Self.token, "court-sneakers", .unsupportedMediaType, "unsupported_image_type"),
                (Data(), Self.token, "court-sneakers", .badRequest, "empty_body"),
                (huge, Self.token, "court-sneakers", .payloadTooLarge, "image_too_large"),
                (Self.png, Self.token, "no-such-product", .notFound, "not_found"),
            ]
            for (body, token, slug, expectedStatus, expectedCode) in cases {
                let (status, response) = try await upload(app, slug: slug, body: body, token: token)
                #expect(status == expectedStatus, "\(expectedCode)")
                #expect(response.contains("\"code\":\"\(expectedCode)\""))
            }
            let count = try await imageCount(app)
            #expect(count == 0)
        }
    }

    @Test func formatsAreRecognisedByTheirBytes() {
        #expect(ImageFormat(sniffing: Data([0xFF, 0xD8, 0xFF, 0xE0])) == .jpeg)
        #expect(ImageFormat(sniffing: Self.png) == .png)
        #expect(ImageFormat(sniffing: Data("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
        #expect(ImageFormat(sniffing: Data([0, 0, 0, 0x1C]) + Data("ftypavif".utf8)) == .avif)
        #expect(ImageFormat(sniffing: Data("%PDF-1.7".utf8)) == nil)
    }
}
