import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import Mercato

@Suite struct PublicPageCacheTests {
    @Test func cachedPagesAreRetiredByACatalogueWrite() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, [CatalogFixtures.product("Court Sneakers")]) { app in
            let browser: HTTPHeaders = ["Accept": "text/html"]
            var first = ""
            try await app.testing().test(.GET, "/p/court-sneakers", headers: browser) { first = $0.body.string }
            var second = ""
            try await app.testing().test(.GET, "/p/court-sneakers", headers: browser) { response in
                #expect(response.status == .ok)
                #expect(response.headers.first(name: .eTag) != nil)
                second = response.body.string
            }
            #expect(first == second)
            #expect(!first.contains("Studio shot"))

            // MUT: an image upload is a catalogue write
            var admin: HTTPHeaders = [:]
            admin.bearerAuthorization = .init(token: "mk_test-owner-key")
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]
            try await app.testing().test(
                .POST, "/api/v1/admin/products/court-sneakers/images?alt=Studio%20shot", headers: admin,
                body: ByteBuffer(bytes: png)
            ) { #expect($0.status == .created) }

            // validate: the page is rendered again and shows the new image
            try await app.testing().test(.GET, "/p/court-sneakers", headers: browser) { response in
                #expect(response.body.string.contains("Studio shot"))
            }
        }
    }

    @Test func errorPagesAreNeverCached() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, [CatalogFixtures.product("Court Sneakers")]) { app in
            try await app.testing().test(.GET, "/p/later-product", headers: ["Accept": "text/html"]) {
                #expect($0.status == .notFound)
            }
            try await CatalogFixtures.insert([CatalogFixtures.product("Later Product")], into: app, categories: false)
            try await app.catalogCache.invalidate()
            try await app.testing().test(.GET, "/p/later-product", headers: ["Accept": "text/html"]) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test func randomParametersNeitherMissNorFillTheCache() async throws {
        let catalogue = [CatalogFixtures.product("Court Sneakers", category: "shoes")]
        try await CatalogFixtures.withCatalog(on: .sqlite, catalogue) { app in
            // setup: the cache behind the catalogue, and one render of each page
            let memory = try #require((app.catalogCache.cache as? ResilientCache)?.backend as? MemoryCache)
            let browser: HTTPHeaders = ["Accept": "text/html"]
            for path in ["/p/court-sneakers", "/c/shoes?brand=Acme", "/search?q=sneakers"] {
                try await app.testing().test(.GET, path, headers: browser) { #expect($0.status == .ok) }
            }
            let entries = memory.count
            // act: the same pages with tracking tags, random parameters, empty and repeated fields
            for path in [
                "/p/court-sneakers?utm_source=mail&fbclid=x1", "/p/court-sneakers?variant=",
                "/c/shoes?brand=Acme&brand=Acme&gclid=\(UUID())", "/c/shoes?minPrice=&brand=Acme&x=\(UUID())",
                "/search?q=sneakers&ref=\(UUID())", "/search?page=&q=sneakers",
                // fields a page doesn't read, and defaults spelled out
                "/p/court-sneakers?q=boots&brand=Nike&page=3", "/c/shoes?brand=Acme&q=anything&category=boots",
                "/c/shoes?brand=Acme&page=1&sort=newest", "/search?q=sneakers&sort=relevance&page=1",
            ] {
                try await app.testing().test(.GET, path, headers: browser) { #expect($0.status == .ok) }
            }
            // verify: every one was a hit; a parameter the page reads is a page of its own
            #expect(memory.count == entries)
            try await app.testing().test(.GET, "/c/shoes?brand=Acme&sort=price_asc", headers: browser) {
                #expect($0.status == .ok)
            }
            // (the page, and the listing it was rendered from)
            #expect(memory.count > entries)
        }
    }
}
