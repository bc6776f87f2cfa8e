import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// What a CDN and a returning browser rely on: hashed assets cached forever, pages briefly and
/// revalidated with ETags.
@Suite(.serialized) struct StorefrontCachingTests {
    typealias Shop = StorefrontTesting

    @Test func stylesheetIsServedUnderItsContentHashAndCachedForever() async throws {
        try await Shop.withShop { app in
            // setup
            let home = try await Shop.get(app, "/")
            let stylesheet = try #require(
                Shop.matches(of: #"<link rel="stylesheet" href="([^"]+)">"#, in: home.html).first)
            let css = try String(
                contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Public/site.css"), encoding: .utf8)
            let expected = StaticAssets(files: ["site.css": Data(css.utf8)]).url(for: "site.css")
            #expect(stylesheet == expected)
            #expect(stylesheet.wholeMatch(of: /\/static\/site\.[0-9a-f]{8}\.css/) != nil)

            // MUT
            try await app.testing().test(.GET, stylesheet) { response in
                // validate
                #expect(response.status == .ok)
                #expect(response.headers.first(name: .cacheControl) == "public, max-age=31536000, immutable")
                #expect(response.headers.contentType?.subType == "css")
                #expect(response.body.string == css)
            }
        }
    }

    @Test(arguments: ["/static/site.00000000.css", "/static/site.css", "/static/missing.12345678.js", "/site.css"])
    func unknownAssetNamesAre404(_ path: String) async throws {
        try await Shop.withShop { app in
            try await app.testing().test(.GET, path) { response in
                #expect(response.status == .notFound)
                #expect(response.headers.first(name: .cacheControl) == nil)
            }
        }
    }

    @Test func changedContentGetsANewName() {
        let before = StaticAssets(files: ["site.css": Data("a{}".utf8)])
        let after = StaticAssets(files: ["site.css": Data("a{color:red}".utf8)])
        let old = before.url(for: "site.css")
        #expect(old != nil)
        #expect(old != after.url(for: "site.css"))
        #expect(after.asset(hashedName: String(old?.split(separator: "/").last ?? "")) == nil)
        #expect(before.url(for: "other.css") == nil)
    }

    @Test(arguments: ["/c/shoes", "/p/court-sneakers", "/search?q=boots"])
    func pagesCarryETagsAndAnswer304(_ path: String) async throws {
        try await Shop.withShop { app in
            let first = try await Shop.get(app, path)
            #expect(first.status == .ok)
            #expect(first.headers.first(name: .cacheControl)?.hasPrefix("public, max-age=60") == true)
            let etag = try #require(first.headers.first(name: .eTag))

            let again = try await Shop.get(app, path)
            #expect(again.headers.first(name: .eTag) == etag, "the same page must keep its ETag")

            let revalidated = try await Shop.get(app, path, headers: ["If-None-Match": etag])
            #expect(revalidated.status == .notModified)
            #expect(revalidated.html.isEmpty)

            let stale = try await Shop.get(app, path, headers: ["If-None-Match": "\"stale\""])
            #expect(stale.status == .ok)
        }
    }

    @Test func homePageIsCachedPrivatelyBecauseFeatureFlagsVaryByVisitor() async throws {
        try await Shop.withShop { app in
            let home = try await Shop.get(app, "/")
            #expect(home.headers.first(name: .cacheControl)?.hasPrefix("private, max-age=60") == true)
            #expect(home.headers.first(name: .eTag) != nil)
        }
    }
}
