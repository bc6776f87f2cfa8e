import Fluent
import FluentPostgresDriver
import Foundation
import Logging
import RedisClient
import SQLKit
import Vapor

/// The outcome of one pre-deployment check.
struct PreflightResult: Sendable, Equatable {
    enum Status: String, Sendable {
        case ok
        case fail = "FAIL"
        /// Not applicable here (no Redis configured), or impossible because an earlier check failed.
        case skip
    }

    var check: String
    var status: Status
    var detail: String
}

/// `mercato preflight`: everything a deployment needs from its environment, checked before the
/// deploy starts — configuration, secrets, database, pending migrations, Redis, payment and mail
/// adapters — reporting every failure rather than stopping at the first.
struct Preflight {
    /// The configuration as read, with every problem found on the way.
    var evaluation: SettingsEvaluation
    /// How long each network check may take.
    var timeout: Duration = .seconds(5)

    /// Runs every check, in order.
    func run() async -> [PreflightResult] {
        var results = [configurationCheck(), secretsCheck()]
        let database = await databaseChecks()
        results += database
        results.append(await redisCheck())
        results.append(paymentsCheck())
        results.append(mailerCheck())
        return results
    }

    private var settings: Settings { evaluation.settings }
    private var isProduction: Bool { settings.environment == .production }

    func configurationCheck() -> PreflightResult {
        let problems = evaluation.problems.filter { $0.secret == nil }
        guard problems.isEmpty else {
            let noun = problems.count == 1 ? "problem" : "problems"
            return PreflightResult(
                check: "configuration", status: .fail,
                detail: "\(evaluation.displayPath): \(problems.count) \(noun): "
                    + problems.map(\.description).joined(separator: "; "))
        }
        return PreflightResult(
            check: "configuration", status: .ok,
            detail: "\(evaluation.displayPath) is valid (\(settings.resolved.count) settings)")
    }

    func secretsCheck() -> PreflightResult {
        let problems = evaluation.problems.filter { $0.secret != nil }
        if !problems.isEmpty {
            return PreflightResult(
                check: "secrets", status: .fail, detail: problems.map(\.description).joined(separator: "; "))
        }
        guard evaluation.referenceCount > 0 else {
            return PreflightResult(
                check: "secrets", status: .ok, detail: "no ${secret:…} references; settings come from the environment")
        }
        let names = evaluation.secretNames.sorted().joined(separator: ", ")
        return PreflightResult(
            check: "secrets", status: .ok,
            detail: "\(evaluation.referenceCount) reference(s) resolved from \(names)")
    }

    /// The database check and, when it passes, the pending migrations.
    func databaseChecks() async -> [PreflightResult] {
        let target = settings.database.summary
        if let problem = evaluation.problems.first(where: { $0.key.hasPrefix("database.") && $0.secret == nil }) {
            let reason = "database settings are invalid (\(problem.key))"
            return [
                PreflightResult(check: "database", status: .fail, detail: reason),
                PreflightResult(check: "migrations", status: .skip, detail: "database not checked"),
            ]
        }
        if evaluation.problems.contains(where: { $0.key.hasPrefix("database.") }) {
            return [
                PreflightResult(check: "database", status: .fail, detail: "a database secret is unresolved"),
                PreflightResult(check: "migrations", status: .skip, detail: "database not checked"),
            ]
        }
        let app: Application
        do {
            app = try await Application.make(Environment(name: settings.environment.rawValue, arguments: ["mercato"]))
        } catch {
            return [PreflightResult(check: "database", status: .fail, detail: "could not start: \(error)")]
        }
        app.logger.logLevel = .critical
        var results: [PreflightResult] = []
        do {
            try DatabaseSetup.configure(app, database: settings.database, metrics: AppMetrics())
            app.migrations.add(MigrationList.all)
            let database = app.db
            try await withDeadline(timeout) {
                guard let sql = database as? any SQLDatabase else { return }
                _ = try await sql.raw("SELECT 1 AS ok").first()
            }
            results.append(PreflightResult(check: "database", status: .ok, detail: "\(target) answered"))
        } catch {
            let reason = error is DeadlineExceeded ? "no answer within \(timeout)" : Self.describe(error)
            results.append(PreflightResult(check: "database", status: .fail, detail: "\(target): \(reason)"))
            results.append(PreflightResult(check: "migrations", status: .skip, detail: "database unreachable"))
        }
        if results.count == 1 {
            results.append(await migrationsCheck(app: app))
        }
        try? await app.asyncShutdown()
        return results
    }

    private func migrationsCheck(app: Application) async -> PreflightResult {
        do {
            let runner = MigrationRunner(app: app)
            let pending = try await withDeadline(timeout) { try await runner.pending() }
            guard !pending.isEmpty else {
                return PreflightResult(check: "migrations", status: .ok, detail: "schema is up to date")
            }
            return PreflightResult(
                check: "migrations", status: .ok,
                detail: "\(pending.count) pending (`mercato migrate` applies them): "
                    + pending.joined(separator: ", "))
        } catch {
            return PreflightResult(check: "migrations", status: .fail, detail: Self.describe(error))
        }
    }

    func redisCheck() async -> PreflightResult {
        guard let host = settings.redis.host, !host.isEmpty else {
            return PreflightResult(check: "redis", status: .skip, detail: "not configured")
        }
        let redis = settings.redis
        let target = "\(host):\(redis.port)"
        if evaluation.problems.contains(where: { $0.key.hasPrefix("redis.") }) {
            return PreflightResult(check: "redis", status: .fail, detail: "redis settings are invalid")
        }
        let pool: RedisConnectionPool
        do {
            pool = try RedisConnectionPool(
                configuration: RedisConfiguration(
                    host: host, port: redis.port, password: redis.password, database: redis.database,
                    maximumConnections: 1, connectTimeout: timeout, commandTimeout: timeout),
                logger: Logger(label: "mercato.preflight"))
        } catch {
            return PreflightResult(check: "redis", status: .fail, detail: "\(target): \(error)")
        }
        let result: PreflightResult
        do {
            _ = try await withDeadline(timeout + .seconds(1)) {
                try await pool.send(command: "PING", arguments: [])
            }
            result = PreflightResult(check: "redis", status: .ok, detail: "\(target) answered PING")
        } catch {
            let reason = error is DeadlineExceeded ? "no answer within \(timeout)" : "\(error)"
            result = PreflightResult(check: "redis", status: .fail, detail: "\(target): \(reason)")
        }
        await pool.shutdown()
        return result
    }

    /// Production must charge real cards: the Stripe adapter with a live secret key. The key is read
    /// by key path so this check doesn't depend on how the Stripe settings are modelled.
    func paymentsCheck() -> PreflightResult {
        let adapter = settings.adapters.payments
        let secretKey = settings.stripe.secretKey ?? ""
        let mode =
            adapter == .test
            ? "the built-in test provider"
            : secretKey.hasPrefix("sk_live_")
                ? "stripe in live mode" : secretKey.isEmpty ? "stripe without a secret key" : "stripe in test mode"
        guard isProduction else {
            return PreflightResult(check: "payments", status: .ok, detail: "\(mode) (\(settings.environment.rawValue))")
        }
        guard adapter == .stripe, secretKey.hasPrefix("sk_live_") else {
            let fix =
                adapter == .stripe ? "set stripe.secretKey to an sk_live_ key" : "set adapters.payments: stripe"
            return PreflightResult(
                check: "payments", status: .fail, detail: "production must take live payments, but uses \(mode); \(fix)"
            )
        }
        return PreflightResult(check: "payments", status: .ok, detail: mode)
    }

    /// Production mail must reach customers: not a file outbox or the log.
    func mailerCheck() -> PreflightResult {
        let mailer = settings.adapters.mailer
        if isProduction, [.file, .log].contains(mailer) {
            return PreflightResult(
                check: "mailer", status: .fail,
                detail: "production cannot send mail with the \(mailer.rawValue) adapter; use ses or smtp")
        }
        return PreflightResult(check: "mailer", status: .ok, detail: mailer.rawValue)
    }

    /// PostgreSQL errors hide their cause from `description` (it could carry query text); the code,
    /// the underlying connection error and the server's message are safe and are what helps.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            var parts = ["\(error.code)"]
            if let message = error.serverInfo?[.message] { parts.append(message) }
            if let underlying = error.underlying { parts.append(String(describing: underlying)) }
            return parts.joined(separator: ": ")
        }
        if let error = error as? any DebuggableError { return error.reason }
        return String(describing: error)
    }
}
