import Foundation
import Vapor

/// CSRF protection for every storefront POST: the form's hidden `csrf` field must equal the
/// session's token, else 403 (`CustomerError.csrfMismatch`) before any handler runs, so nothing
/// changes. Every storefront POST route is registered behind this one middleware.
struct FormProtection: AsyncMiddleware {
    /// Only for `POST /cart/items`. The product page is a public, shared-cache page: baking a
    /// visitor's token into it would hand that token to everyone served the cached copy. So its
    /// add-to-cart form carries no token, and this route instead requires the browser's `Origin`
    /// (or, from browsers that omit it, `Referer`) to be this shop. A cross-site form can't forge
    /// either header, and the session cookie is SameSite=Lax besides. A request with a token is
    /// still checked against it.
    var acceptsSameOriginWithoutToken = false

    static let fieldName = "csrf"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .POST else { return try await next.respond(to: request) }
        if request.body.data == nil {
            _ = try await request.body.collect(max: 64 * 1024).get()
        }
        // The text policy for forms, before anything reads a field (see TextPolicy).
        if request.headers.contentType == .urlEncodedForm, let body = request.body.data {
            try TextPolicy.check(formEncoded: String(decoding: body.readableBytesView, as: UTF8.self))
        }
        let submitted = (try? request.content.get(String.self, at: Self.fieldName)).flatMap { $0.isEmpty ? nil : $0 }
        if let submitted {
            guard let session = try await request.currentWebSession(),
                ConstantTime.equals(submitted, session.csrfToken)
            else { throw CustomerError.csrfMismatch }
        } else {
            guard acceptsSameOriginWithoutToken, request.comesFromThisShop else { throw CustomerError.csrfMismatch }
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    /// Whether the browser says this request was sent by a page of this shop: `Origin` (or
    /// `Referer`) names the configured base URL's origin or the host the browser addressed.
    var comesFromThisShop: Bool {
        guard let source = headers.first(name: "Origin") ?? headers.first(name: .referer), source != "null",
            let url = URL(string: source), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased()
        else { return false }
        let authority = host + (url.port.map { ":\($0)" } ?? "")
        if let base = URL(string: application.settings.server.baseURL), let baseHost = base.host?.lowercased(),
            base.scheme?.lowercased() == scheme, baseHost + (base.port.map { ":\($0)" } ?? "") == authority
        {
            return true
        }
        return headers.first(name: .host)?.lowercased() == authority
    }
}
