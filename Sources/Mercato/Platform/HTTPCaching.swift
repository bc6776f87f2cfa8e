import Crypto
import Foundation
import Vapor

/// The one conditional-response mechanism: a strong `ETag` (hash of the body) and `Cache-Control` on
/// every cacheable read, answering `304 Not Modified` when the client already holds this exact body.
/// API JSON and storefront HTML both go through `make`.
enum CachedResponse {
    /// Who may keep a copy: shared caches (CDN) or only the visitor's browser.
    enum Audience: String {
        case `public`, `private`
    }

    /// - Parameters:
    ///   - body: the exact bytes the client would receive.
    ///   - contentType: `application/json`, `text/html; charset=utf-8`.
    ///   - maxAge: seconds a cache may reuse the body without asking again.
    ///   - audience: `private` when the body depends on the visitor (feature rollouts, later sessions).
    static func make(
        body: Data, contentType: HTTPMediaType, for request: Request, maxAge: Int, audience: Audience = .public
    ) -> Response {
        let etag = "\"" + SHA256.hash(data: body).prefix(16).hexString + "\""
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .eTag, value: etag)
        headers.replaceOrAdd(
            name: .cacheControl, value: "\(audience.rawValue), max-age=\(maxAge), stale-while-revalidate=30")
        headers.replaceOrAdd(name: .vary, value: "Accept-Encoding")
        if request.headers[.ifNoneMatch].contains(where: {
            $0.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag }
        }) {
            return Response(status: .notModified, headers: headers)
        }
        headers.contentType = contentType
        return Response(status: .ok, headers: headers, body: .init(data: body))
    }
}

extension Encodable {
    /// Encodes as JSON and answers through `CachedResponse` (ETag, Cache-Control, 304).
    func cachedResponse(for request: Request, maxAge: Int = 60) throws -> Response {
        try JSONEncoder.api.encode(self).cachedJSONResponse(for: request, maxAge: maxAge)
    }
}

extension Data {
    /// This JSON body through `CachedResponse` (ETag, Cache-Control, 304).
    func cachedJSONResponse(for request: Request, maxAge: Int = 60) -> Response {
        CachedResponse.make(body: self, contentType: .json, for: request, maxAge: maxAge)
    }
}

extension JSONEncoder {
    /// The one JSON encoder configuration of the API.
    static let api: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}
