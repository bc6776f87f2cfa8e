import Vapor

/// `GET /version`: what is running where, for deploy verification.
struct VersionRoutes: RouteCollection {
    struct VersionInfo: Content, Equatable {
        var version: String
        var commit: String
        var builtAt: String
        var environment: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("version") { req in
            VersionInfo(
                version: BuildInfo.version, commit: BuildInfo.commit, builtAt: BuildInfo.builtAt,
                environment: req.application.settings.environment.rawValue)
        }
    }
}
