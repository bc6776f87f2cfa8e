import Vapor

/// `GET /static/:file`: hashed assets with year-long immutable caching; any other name is a 404.
struct StaticAssetRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.Route.staticAsset.pathComponents, use: show)
    }

    func show(req: Request) async throws -> Response {
        let file = try req.parameters.require("file")
        guard let asset = req.application.staticAssets.asset(hashedName: file) else {
            throw Abort(.notFound, reason: "no static file '\(file)'")
        }
        var headers = HTTPHeaders()
        headers.contentType = asset.contentType
        headers.replaceOrAdd(name: .cacheControl, value: StaticAssets.cacheControl)
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: asset.data))
    }
}
