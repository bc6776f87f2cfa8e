import Vapor

/// `GET /`: the shop's front page.
struct HomePage: RouteCollection {
    struct Context: Encodable {
        var shopName: String
        var version: String
        var environment: String
        var features: [String: Bool]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: show)
    }

    func show(req: Request) async throws -> Response {
        let settings = req.application.settings
        let context = Context(
            shopName: "Mercato", version: BuildInfo.version, environment: settings.environment.rawValue,
            features: settings.features.snapshot(for: req.featureSubject))
        let response = try await req.view.render("home", context).encodeResponse(for: req)
        response.headers.cacheControl = .init(isPublic: false, maxAge: 60)
        return response
    }
}
