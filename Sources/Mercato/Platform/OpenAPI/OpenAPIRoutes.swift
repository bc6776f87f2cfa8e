import Vapor

/// `GET /api/openapi.yaml` and `GET /api/openapi.json`: the Store API's description.
///
/// The document is read and converted when the application boots, from `app.directory` as it is
/// then (tests point it at the repository), so a missing or malformed file stops the start instead
/// of failing the first request.
struct OpenAPIRoutes: RouteCollection {
    init(loadingAtBootOf app: Application) {
        app.lifecycle.use(Loader())
    }

    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api")
        api.get("openapi.yaml") { req in
            let document = try req.application.openAPIDocument
            return Self.response(
                document.yaml, etag: document.yamlETag, type: HTTPMediaType(type: "application", subType: "yaml"),
                for: req)
        }
        api.get("openapi.json") { req in
            let document = try req.application.openAPIDocument
            return Self.response(document.json, etag: document.jsonETag, type: .json, for: req)
        }
    }

    private static func response(_ body: Data, etag: String, type: HTTPMediaType, for request: Request) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .eTag, value: etag)
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        if request.headers[.ifNoneMatch].contains(where: {
            $0.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag }
        }) {
            return Response(status: .notModified, headers: headers)
        }
        headers.contentType = type
        return Response(status: .ok, headers: headers, body: .init(data: body))
    }

    private struct Loader: LifecycleHandler {
        func willBoot(_ application: Application) throws {
            application.storage[DocumentKey.self] = try OpenAPIDocument.load(
                resourcesDirectory: application.directory.resourcesDirectory)
        }
    }

    fileprivate struct DocumentKey: StorageKey {
        typealias Value = OpenAPIDocument
    }
}

extension Application {
    /// The document loaded at boot.
    var openAPIDocument: OpenAPIDocument {
        get throws {
            guard let document = storage[OpenAPIRoutes.DocumentKey.self] else {
                throw Abort(.internalServerError, reason: "the OpenAPI document was not loaded at boot")
            }
            return document
        }
    }
}
