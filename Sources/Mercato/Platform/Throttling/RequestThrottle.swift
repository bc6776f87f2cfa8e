import Foundation
import Prometheus
import Vapor

/// Limits requests per client and route class through the cache port: a counter per client,
/// class and window, incremented atomically (Redis `INCR` when instances share Redis, so the
/// limit holds across them). Answers `429` with `Retry-After` over the limit, and tells every
/// client where it stands with `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`.
///
/// Fixed windows rather than a token bucket: one atomic increment per request is all the cache
/// port offers, and a client can at most double its rate across a window boundary. Payment
/// webhooks are exempt (their signature is their admission), as are probes and static files.
struct RequestThrottle: AsyncMiddleware {
    let settings: ThrottleSettings

    /// The class a request is limited under, or nil when it isn't limited.
    static func routeClass(method: HTTPMethod, path: String) -> ThrottleSettings.RouteClass? {
        let exempt = ["/health", "/metrics", "/version", "/static/", "/media/", "/api/v1/webhooks/", "/favicon"]
        if exempt.contains(where: path.hasPrefix) { return nil }
        if path.hasPrefix("/api/v1/admin/") { return .admin }
        let write = method != .GET && method != .HEAD
        switch path {
        case _ where path.hasPrefix("/api/v1/auth/password-reset") || path.hasPrefix("/account/password-reset"):
            return write ? .passwordReset : .read
        case "/api/v1/auth/login", "/account/login": return write ? .signIn : .read
        case "/api/v1/checkout", "/checkout": return write ? .checkout : .read
        case _ where path.hasSuffix("/payment") || path.hasPrefix("/checkout/pay/"): return write ? .payment : .read
        case _ where path.hasPrefix("/api/v1/search") || path.hasPrefix("/search"): return .search
        default: return write ? .write : .read
        }
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard settings.enabled, let routeClass = Self.routeClass(method: request.method, path: request.url.path),
            let limit = settings.limits[routeClass]
        else { return try await next.respond(to: request) }
        let window = Int64(settings.windowSeconds)
        let now = Int64(Date().timeIntervalSince1970)
        let windowStart = now - now % window
        let reset = Int(windowStart + window - now)
        let key = "throttle:\(routeClass.rawValue):\(request.clientAddress):\(windowStart)"
        let used = try await request.application.dataCache.increment(
            key, by: 1, expiresIn: .seconds(settings.windowSeconds))
        let headers: [(String, String)] = [
            ("RateLimit-Limit", String(limit)), ("RateLimit-Remaining", String(max(0, limit - used))),
            ("RateLimit-Reset", String(reset)),
        ]
        guard used <= limit else {
            request.application.metrics.recordThrottled(routeClass: routeClass.rawValue)
            throw ThrottleError(routeClass: routeClass, retryAfterSeconds: max(1, reset), rateLimitHeaders: headers)
        }
        let response = try await next.respond(to: request)
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }
}

/// A client over its limit for a class of requests.
struct ThrottleError: AppError {
    var routeClass: ThrottleSettings.RouteClass
    var retryAfterSeconds: Int
    var rateLimitHeaders: [(String, String)]

    var code: String { "too_many_requests" }
    var status: HTTPResponseStatus { .tooManyRequests }
    var reason: String { "Too many requests; try again in \(retryAfterSeconds) seconds." }
    var headers: HTTPHeaders {
        HTTPHeaders([("Retry-After", String(retryAfterSeconds))] + rateLimitHeaders)
    }
}

extension AppMetrics {
    /// Counts a request refused by the throttle, by route class.
    func recordThrottled(routeClass: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "mercato", metricName: "throttled_requests", unitName: "total",
                helpText: "Requests answered 429 by the throttle"),
            labels: [("class", routeClass)]
        ).increment()
    }
}
