import Foundation
import Vapor

extension Request {
    /// Renders a storefront page through `CachedResponse`: an `ETag` of the HTML, a short cache
    /// lifetime and `304` when the browser or CDN already holds this exact page.
    /// - Parameters:
    ///   - maxAge: catalogue pages tolerate a minute of staleness; checkout reserves stock itself.
    ///   - audience: `private` when the page varies by visitor (feature rollouts, later sessions).
    func renderPage(
        _ template: String, _ context: some Encodable, maxAge: Int = 60,
        audience: CachedResponse.Audience = .public
    ) async throws -> Response {
        let view = try await view.render(template, context)
        return CachedResponse.make(
            body: Data(view.data.readableBytesView), contentType: .html, for: self, maxAge: maxAge, audience: audience)
    }

    /// Query parameters as an HTML GET form sends them: names may repeat (`brand=A&brand=B`) and
    /// `+` means a space. The API's `queryParameters` keeps one value per name, which a form of
    /// checkboxes can't use.
    var formQuery: [String: [String]] {
        guard let query = url.query, !query.isEmpty else { return [:] }
        var result: [String: [String]] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (raw: Substring) in
                String(raw).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(raw)
            }
            let name = decode(parts[0])
            result[name, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return result
    }
}
