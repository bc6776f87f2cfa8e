import Prometheus
import Vapor

/// `GET /metrics` in Prometheus text format.
struct MetricsRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("metrics") { req -> Response in
            let metrics = req.application.metrics
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4"])
            return Response(status: .ok, headers: headers, body: .init(string: metrics.registry.emitToString()))
        }
    }
}
