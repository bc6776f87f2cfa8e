import Crypto
import Foundation
import Vapor

/// Whole rendered pages that look the same to every visitor (product, category, search), cached
/// under the catalogue version, so a catalogue write retires them like every other catalogue read.
/// Rendering is the expensive part of a page; a hit skips it entirely.
///
/// The key is what the page is rendered from, not the raw URL: the path and the query parameters
/// public pages read, as they read them (`ListingParameters`, `variant`). Tracking tags, random
/// parameters and repeated or empty fields then neither miss the cache nor fill it.
enum PublicPageCache {
    /// Everything a public page's HTML depends on besides the catalogue.
    private struct Key: Encodable {
        var path: String
        var text, category, minPrice, maxPrice, sort, page, variant: String?
        var brands, options: [String]
        var inStock: Bool
    }

    static func key(for request: Request) -> String {
        let form = request.formQuery
        let listing = ListingParameters(form: form)
        let key = Key(
            path: request.url.path, text: listing.text, category: listing.category, minPrice: listing.minPrice,
            maxPrice: listing.maxPrice, sort: listing.sort, page: listing.page,
            variant: form["variant"]?.last.flatMap { $0.isEmpty ? nil : $0 }, brands: listing.brands,
            options: listing.options, inStock: listing.inStock)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding five optional strings and two arrays can't fail; the raw URL is the fallback.
        let canonical = (try? encoder.encode(key)) ?? Data(request.url.string.utf8)
        return "page:" + SHA256.hash(data: canonical).hexString
    }

    /// - Parameter handler: renders the page; only a `200` with a `public` Cache-Control is stored.
    static func serve(_ request: Request, _ handler: (Request) async throws -> Response) async throws -> Response {
        let key = key(for: request)
        let entry = try await request.application.catalogCache.lookup(key)
        if let hit = entry.hit {
            return CachedResponse.make(body: hit, contentType: .html, for: request, maxAge: pageMaxAge)
        }
        let response = try await handler(request)
        if response.status == .ok, response.headers.first(name: .cacheControl)?.hasPrefix("public") == true,
            let body = response.body.data
        {
            try await entry.store(body)
        }
        return response
    }

    /// Must match what `renderPage` gives public pages.
    static let pageMaxAge = 60
}
