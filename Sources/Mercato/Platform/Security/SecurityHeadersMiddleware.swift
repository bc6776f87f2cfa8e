import Vapor

/// The headers a public shop sends with every response: no MIME sniffing, a referrer policy,
/// HSTS outside development, and on HTML pages a Content-Security-Policy without inline script
/// that no other site may frame. API responses that don't say how they may be cached are
/// private (`no-store`): a cart with its token or `/me` must never sit in a shared cache.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    /// Whether browsers are told to use HTTPS only (every environment but development, which runs
    /// on http://localhost).
    let strictTransportSecurity: Bool
    /// Where the payment provider's script comes from, allowed on the payment page only.
    let paymentScriptOrigins: [String]

    init(settings: Settings) {
        strictTransportSecurity = settings.environment != .development
        paymentScriptOrigins = settings.adapters.payments == .stripe ? ["https://js.stripe.com"] : []
    }

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
        + "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        + "object-src 'none'"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers = response.headers
        func setIfAbsent(_ name: String, _ value: String) {
            if !headers.contains(name: name) { response.headers.replaceOrAdd(name: name, value: value) }
        }
        setIfAbsent("X-Content-Type-Options", "nosniff")
        setIfAbsent("Referrer-Policy", "strict-origin-when-cross-origin")
        if strictTransportSecurity { setIfAbsent("Strict-Transport-Security", "max-age=31536000; includeSubDomains") }
        if headers.contentType?.subType == "html" {
            response.headers.replaceOrAdd(name: "Content-Security-Policy", value: policy(for: request.url.path))
            setIfAbsent("X-Frame-Options", "DENY")
        }
        if request.url.path.hasPrefix("/api/") { setIfAbsent("Cache-Control", "no-store") }
        return response
    }

    /// The page policy; the payment page may also load and frame the provider's script.
    func policy(for path: String) -> String {
        guard path.hasPrefix("/checkout/pay/"), !paymentScriptOrigins.isEmpty else { return Self.contentSecurityPolicy }
        let origins = paymentScriptOrigins.joined(separator: " ")
        return Self.contentSecurityPolicy
            .replacingOccurrences(of: "script-src 'self'", with: "script-src 'self' \(origins)")
            .replacingOccurrences(of: "connect-src 'self'", with: "connect-src 'self' https://api.stripe.com")
            + "; frame-src \(origins) https://hooks.stripe.com"
    }
}
