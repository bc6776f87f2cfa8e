import Vapor

/// One log line per finished request, carrying the request id through the request's logger.
struct AccessLogMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await next.respond(to: request)
        let elapsed = clock.now - start
        request.logger.info(
            "\(request.method.rawValue) \(request.url.path) \(response.status.code)",
            metadata: [
                "route": .string(request.routePattern),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .stringConvertible((elapsed / .milliseconds(1) * 100).rounded() / 100),
            ])
        return response
    }
}
