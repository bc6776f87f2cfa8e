import Vapor

/// `GET /media/**`: objects from local storage. Keys never change content (a new upload gets a new
/// key), so browsers and CDNs may keep them for a year.
struct MediaRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("media", "**", use: show)
    }

    func show(req: Request) async throws -> Response {
        let key = req.parameters.getCatchall().map { $0.removingPercentEncoding ?? $0 }.joined(separator: "/")
        guard let object = try? await req.application.objectStorage.get(key: key) else {
            throw Abort(.notFound)
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: object.contentType)
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=31536000, immutable")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: object.data))
    }
}
