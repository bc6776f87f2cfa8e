import Fluent
import Leaf
import Logging
import Vapor

/// Builds the Vapor application for a role and settings: the one construction used by `serve`, the
/// CLI commands and the tests.
public enum MercatoApplication {
    /// - Parameters:
    ///   - settings: the resolved configuration.
    ///   - role: which parts of the shop this process serves.
    /// - Returns: a configured application; the caller runs it and calls `asyncShutdown()`.
    public static func make(settings: Settings, role: ServerRole = .all) async throws -> Application {
        let environment = Environment(name: settings.environment.rawValue, arguments: ["mercato", "serve"])
        let app = try await Application.make(environment)
        do {
            try configure(app, settings: settings, role: role)
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        return app
    }

    /// Builds an application for a command, runs `body`, and always shuts it down.
    static func withApplication(
        settings: Settings, role: ServerRole = .worker, _ body: (Application) async throws -> Void
    ) async throws {
        let app = try await make(settings: settings, role: role)
        do {
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    static func configure(_ app: Application, settings: Settings, role: ServerRole) throws {
        app.settings = settings
        app.logger.logLevel = settings.log.level.loggerLevel
        app.http.server.configuration.hostname = settings.server.hostname
        app.http.server.configuration.port = settings.server.port
        app.http.server.configuration.shutdownTimeout = .seconds(Int64(settings.server.shutdownTimeoutSeconds))
        app.http.server.configuration.idleTimeout = .seconds(Int64(settings.server.limits.idleTimeoutSeconds))

        app.metrics = AppMetrics()
        try DatabaseSetup.configure(app, database: settings.database, metrics: app.metrics)
        app.migrations.add(MigrationList.all)
        app.healthChecks = [DatabaseHealthCheck()]
        try AdapterSetup.configure(app, settings: settings)
        app.storeAPIConnection = StoreAPIConnection(settings: settings.storefront)
        // Listings are answered where the Store API runs: here, or behind the storefront's client.
        let storefrontAnswersListings =
            if case .inProcess = app.storeAPIConnection { role.servesStorefront } else { false }
        if role.servesAPI || storefrontAnswersListings { app.healthChecks.append(ListingIndexHealthCheck()) }
        JobSetup.configure(app)
        EmailDelivery.registerHandler(on: app)
        PaymentJobs.registerHandlers(on: app)

        app.views.use(.leaf)
        // Development edits templates live; everywhere else parsed templates are kept.
        app.leaf.cache.isEnabled = settings.environment != .development
        app.leaf.tags["feature"] = FeatureTag()
        app.leaf.tags["asset"] = AssetTag()
        app.leaf.tags["link"] = SiteLinkTag()
        app.lifecycle.use(StaticAssetsLoader())

        app.middleware = Middlewares()
        app.middleware.use(RequestIDMiddleware())
        app.middleware.use(MetricsMiddleware())
        app.middleware.use(AccessLogMiddleware())
        app.middleware.use(SecurityHeadersMiddleware(settings: settings))
        app.middleware.use(ErrorResponseMiddleware())
        app.middleware.use(RequestLimitsMiddleware(limits: settings.server.limits))
        app.middleware.use(TextPolicyMiddleware())
        app.middleware.use(RequestThrottle(settings: settings.throttle))
        // Process-wide in Vapor; every app of the process wants the same.
        ContentConfiguration.global = .mercato()
        try Routes.register(on: app, role: role)
    }
}
