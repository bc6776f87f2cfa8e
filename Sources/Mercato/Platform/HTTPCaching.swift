import Crypto
import Foundation
import Vapor

extension Encodable {
    /// Encodes as JSON and answers like `Data.cachedJSONResponse(for:maxAge:)`.
    func cachedResponse(for request: Request, maxAge: Int = 60) throws -> Response {
        try JSONEncoder.api.encode(self).cachedJSONResponse(for: request, maxAge: maxAge)
    }
}

extension Data {
    /// This JSON body with a strong `ETag` (hash of the body) and `Cache-Control`, or
    /// `304 Not Modified` when the client already holds exactly this body.
    func cachedJSONResponse(for request: Request, maxAge: Int = 60) -> Response {
        let body = self
        let etag = "\"" + SHA256.hash(data: body).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .eTag, value: etag)
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=\(maxAge), stale-while-revalidate=30")
        headers.replaceOrAdd(name: .vary, value: "Accept-Encoding")
        if request.headers[.ifNoneMatch].contains(where: {
            $0.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag }
        }) {
            return Response(status: .notModified, headers: headers)
        }
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: body))
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
