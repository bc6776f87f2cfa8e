import Prometheus
import Vapor

/// Times every request and counts it by method, route pattern and final status.
struct MetricsMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let metrics = request.application.metrics
        let clock = ContinuousClock()
        let start = clock.now
        metrics.requestsInFlight.increment()
        defer { metrics.requestsInFlight.decrement() }
        let response = try await next.respond(to: request)
        metrics.recordRequest(
            method: request.method.rawValue, route: request.routePattern, status: response.status.code,
            duration: clock.now - start)
        return response
    }
}

extension Request {
    /// `/products/:slug` rather than `/products/red-shoes`, so label values stay few; unmatched
    /// paths share one label so a scanner can't blow up the metric count.
    var routePattern: String {
        guard let route else { return "unmatched" }
        return "/" + route.path.map(\.description).joined(separator: "/")
    }
}
