import Foundation
import Testing

@testable import Mercato

@Suite struct OlderIndexMarkTests {
    @Test func bytesComputedFromAnOlderListingIndexAreNotStored() async throws {
        // setup
        let memory = MemoryCache()
        let cache = CatalogCache(cache: memory, versionRefresh: .zero)
        let page = try await cache.lookup("page", scope: .listing)
        // act: the page's listing is answered from an older index (as `listingIndex` marks it)
        let body = try await page.produce {
            let listing = try await cache.lookup("list", scope: .listing)
            let bytes = try await listing.produce {
                CatalogCache.olderIndex?.set()
                return Data("older".utf8)
            }
            try await listing.store(bytes)
            return bytes
        }
        try await page.store(body)
        // verify: neither the page nor anything around it is cached, so the next request computes afresh
        #expect(try await cache.lookup("page", scope: .listing).hit == nil)
        #expect(try await cache.lookup("list", scope: .listing).hit == nil)
    }

    @Test func bytesFromTheCurrentIndexAreStored() async throws {
        // setup
        let cache = CatalogCache(cache: MemoryCache(), versionRefresh: .zero)
        let page = try await cache.lookup("page", scope: .listing)
        // act
        let body = try await page.produce { Data("current".utf8) }
        try await page.store(body)
        // verify
        #expect(try await cache.lookup("page", scope: .listing).hit == Data("current".utf8))
    }
}
