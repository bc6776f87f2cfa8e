import Foundation
import Prometheus
import Vapor

/// Limits requests per client and route class with token buckets in the cache port (one Redis
/// script per request when instances share Redis, so the limit holds across them). A client may
/// burst up to its class's limit, then goes at the limit per window. Over it the answer is `429`
/// with `Retry-After`; every answer tells the client where it stands with `RateLimit-Limit`,
/// `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the bucket is full).
///
/// Payment webhooks are exempt (their signature is their admission), as are probes and static
/// files. When the cache fails the request is let through and counted: a rate limiter that turns
/// a Redis outage into a shop outage protects nothing.
struct RequestThrottle: AsyncMiddleware {
    let settings: ThrottleSettings

    /// The class a request is limited under, or nil when it isn't limited.
    static func routeClass(method: HTTPMethod, path: String) -> ThrottleSettings.RouteClass? {
        let exempt = ["/health", "/metrics", "/version", "/static/", "/media/", "/api/v1/webhooks/", "/favicon"]
        if exempt.contains(where: path.hasPrefix) { return nil }
        let write = method != .GET && method != .HEAD
        // Staff sign-in and emailed links take the strict classes, as customers' do.
        let links =
            ["/api/v1/auth/password-reset", "/account/password-reset", "/api/v1/admin/password-reset"]
            + ["/api/v1/admin/access", "/admin/access/"]
        if write, links.contains(where: path.hasPrefix) { return .passwordReset }
        if write, ["/api/v1/auth/login", "/account/login", "/api/v1/admin/sessions"].contains(path) { return .signIn }
        if path.hasPrefix("/api/v1/admin/") { return .admin }
        switch path {
        case _ where path.hasPrefix("/api/v1/auth/password-reset") || path.hasPrefix("/account/password-reset"):
            return .read
        case "/api/v1/auth/login", "/account/login": return .read
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
        let bucket = TokenBucket(capacity: limit, refillPerSecond: Double(limit) / Double(settings.windowSeconds))
        let key = "throttle:\(routeClass.rawValue):\(request.clientAddress)"
        let draw: TokenBucket.Draw
        do {
            draw = try await request.application.dataCache.takeToken(key, from: bucket)
        } catch {
            request.application.metrics.recordThrottleUnavailable()
            return try await next.respond(to: request)
        }
        let headers: [(String, String)] = [
            ("RateLimit-Limit", String(limit)), ("RateLimit-Remaining", String(draw.remaining)),
            ("RateLimit-Reset", String(Self.wholeSeconds(draw.millisecondsUntilFull))),
        ]
        guard draw.allowed else {
            request.application.metrics.recordThrottled(routeClass: routeClass.rawValue)
            throw ThrottleError(
                routeClass: routeClass, retryAfterSeconds: Self.wholeSeconds(draw.millisecondsUntilNextToken),
                rateLimitHeaders: headers)
        }
        let response = try await next.respond(to: request)
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }

    /// Headers count whole seconds; rounding up means a client that waits as told is let in.
    static func wholeSeconds(_ milliseconds: Int) -> Int { max(1, (milliseconds + 999) / 1_000) }
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

    /// Counts a request let through unlimited because the cache couldn't be asked.
    func recordThrottleUnavailable() {
        registry.makeCounter(
            descriptor: .init(
                namespace: "mercato", metricName: "throttle_unavailable", unitName: "total",
                helpText: "Requests let through unlimited because the cache backend failed")
        )
        .increment()
    }
}
