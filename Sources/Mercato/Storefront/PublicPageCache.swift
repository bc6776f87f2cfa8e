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

    /// The fields `kind` of page reads, with the defaults folded (`page=1`, the default sort), so
    /// equivalent URLs share one entry and fields a page ignores make none.
    static func key(for request: Request, _ kind: Kind) -> String {
        var key = Key(path: request.url.path, brands: [], options: [], inStock: false)
        if kind == .product {
            key.variant = request.requestedVariantSKU
        } else {
            let listing = request.listingParameters
            let defaultSort = kind == .search && listing.text != nil ? "relevance" : "newest"
            key.text = kind == .search ? listing.text : nil
            key.category = kind == .search ? listing.category : nil
            key.minPrice = listing.minPrice
            key.maxPrice = listing.maxPrice
            key.sort = listing.sort == defaultSort ? nil : listing.sort
            key.page = listing.page.flatMap { Int($0) == 1 ? nil : $0 }
            key.brands = listing.brands
            key.options = listing.options
            key.inStock = listing.inStock
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding seven optional strings, two arrays and a flag can't fail; the raw URL is the fallback.
        let canonical = (try? encoder.encode(key)) ?? Data(request.url.string.utf8)
        return "page:" + SHA256.hash(data: canonical).hexString
    }

    /// Which page it is: what its key reads and what retires it.
    enum Kind {
        /// `/c/:slug`: listing fields without text or category (the path names it). Its cards
        /// show stock, and filtering on stock changes the list.
        case category
        /// `/search`: every listing field, retired like a category page.
        case search
        /// `/p/:slug`: only the variant; it shows the product's live stock.
        case product
    }

    /// - Parameter handler: renders the page; only a `200` with a `public` Cache-Control is stored.
    static func serve(
        _ request: Request, _ kind: Kind, _ handler: (Request) async throws -> Response
    ) async throws -> Response {
        let key = key(for: request, kind)
        let scope: CatalogCache.Scope =
            switch kind {
            case .category, .search: request.listingParameters.inStock ? .stockFiltered : .listing
            case .product: .product(slug: request.parameters.get("slug") ?? "")
            }
        let entry = try await request.application.catalogCache.lookup(key, scope: scope)
        if let hit = entry.hit {
            return CachedResponse.make(body: hit, contentType: .html, for: request, maxAge: pageMaxAge)
        }
        let response = try await entry.produce { try await handler(request) }
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
