import ArgumentParser
import Fluent
import Vapor

/// `mercato serve`: runs the shop until SIGTERM or SIGINT, then drains in-flight requests.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the shop (API, storefront, admin, worker) over HTTP.")

    @ArgumentParser.OptionGroup var options: EnvironmentOptions

    @ArgumentParser.Option(help: "all, api, storefront or worker.")
    var role: ServerRole = .all

    @ArgumentParser.Option(help: "Address to bind (overrides server.host).")
    var hostname: String?

    @ArgumentParser.Option(help: "Port to bind, 1–65535 (overrides server.port).")
    var port: Int?

    func validate() throws {
        if let port, !(1...65535).contains(port) {
            throw ValidationError("--port must be between 1 and 65535, got \(port)")
        }
        if let hostname, hostname.isEmpty { throw ValidationError("--hostname must not be empty") }
    }

    func run() async throws {
        var settings = try await options.loadSettings()
        if let hostname { settings.server.hostname = hostname }
        if let port { settings.server.port = port }
        LoggingBootstrap.bootstrap(settings.log)
        let app = try await MercatoApplication.make(settings: settings, role: role)
        let worker = role.runsJobs ? JobWorker(application: app, settings: settings.jobs) : nil
        // So that every shutdown, including a failed start, stops it; it is started below.
        if let worker { app.lifecycle.use(worker) }
        do {
            // Only development changes its own schema; deployed environments run `mercato migrate`.
            if settings.environment == .development {
                try await MigrationRunner(app: app).apply(actor: "serve (development auto-migrate)")
                try await seedDemoCatalogIfEmpty(app)
            }
            app.logger.notice(
                "mercato \(BuildInfo.version) starting",
                metadata: ["role": .string(role.rawValue), "environment": .string(settings.environment.rawValue)])
            // `app.execute()`, split in two so the worker starts in between: `startup` boots, binds
            // and installs the SIGTERM/SIGINT handlers. Until then SIGTERM kills the process
            // outright, and a job claimed before that would be left to wait out its lease.
            do {
                try await app.startup()
            } catch {
                app.logger.report(error: error)
                throw error
            }
            worker?.start()
            try await app.running?.onStop.get()
            // A signal ended the wait. Drain in-flight requests (bounded by the shutdown timeout)
            // before `asyncShutdown`, which closes the database pools before it stops the server.
            // The job worker stops claiming and drains its jobs at the same time (bounded by
            // jobs.shutdownTimeoutSeconds).
            async let jobsDrained: Void = worker?.stop() ?? ()
            await app.server.shutdown()
            await jobsDrained
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        app.logger.notice("mercato stopped cleanly")
    }

    /// A newcomer's first `swift run mercato` shows a shop, not an empty page.
    private func seedDemoCatalogIfEmpty(_ app: Application) async throws {
        guard try await Product.query(on: app.db).count() == 0 else { return }
        app.logger.notice("empty catalogue: seeding \(Self.firstStartProducts) demo products")
        _ = try await DemoCatalogSeeder(
            database: app.db, search: app.searchEngine, storage: app.objectStorage, seed: 42
        ).run(products: Self.firstStartProducts)
        _ = try await DemoCommerceSeeder(database: app.db).run()
    }

    static let firstStartProducts = 200
}
