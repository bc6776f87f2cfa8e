import Crypto
import Foundation
import Vapor

/// Whole rendered pages that look the same to every visitor (product, category, search), cached
/// by URL under the catalogue version, so a catalogue write retires them like every other
/// catalogue read. Rendering is the expensive part of a page; a hit skips it entirely.
enum PublicPageCache {
    /// - Parameter handler: renders the page; only a `200` with a `public` Cache-Control is stored.
    static func serve(_ request: Request, _ handler: (Request) async throws -> Response) async throws -> Response {
        let key = "page:" + SHA256.hash(data: Data(request.url.string.utf8)).hexString
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
