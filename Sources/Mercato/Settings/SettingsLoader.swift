import Foundation

/// Builds `Settings` from `config/<environment>.yaml`, `MERCATO_…` overrides and `${VAR}` references,
/// reporting every problem in one error.
public enum SettingsLoader {
    /// - Parameters:
    ///   - environment: which `config/<name>.yaml` to read.
    ///   - configDirectory: the folder holding the environment files.
    ///   - variables: the process environment (injected so tests can vary it).
    public static func load(
        environment: AppEnvironment,
        configDirectory: URL,
        variables: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Settings {
        let prepared = try prepare(environment: environment, configDirectory: configDirectory, variables: variables)
        let secrets = FetchedSecrets.none("only the boot loader of a command resolves secrets")
        return try finish(prepared, variables: variables, secrets: secrets).validSettings()
    }

    /// Loads as `load(environment:configDirectory:variables:)` does, first fetching every secret a
    /// `${secret:…}` reference names (each distinct secret once) from `secretStore`, or from AWS
    /// Secrets Manager as the `secrets` section and the standard AWS variables describe when it is `nil`.
    /// A reference that can't be resolved is one more problem in the one `SettingsError`.
    static func load(
        environment: AppEnvironment, configDirectory: URL, variables: [String: String],
        secretStore: (any SecretStore)?
    ) async throws -> Settings {
        try await evaluate(
            environment: environment, configDirectory: configDirectory, variables: variables, secretStore: secretStore
        ).validSettings()
    }

    /// Reads the configuration and resolves its secrets, returning the settings together with every
    /// problem instead of throwing them, so `mercato preflight` can go on checking what it can.
    ///
    /// - Throws: `SettingsError` only when the file itself is missing or malformed.
    static func evaluate(
        environment: AppEnvironment, configDirectory: URL, variables: [String: String],
        secretStore: (any SecretStore)?
    ) async throws -> SettingsEvaluation {
        let prepared = try prepare(environment: environment, configDirectory: configDirectory, variables: variables)
        let names = Set(prepared.references.map(\.name))
        let secrets: FetchedSecrets
        if names.isEmpty {
            secrets = .none("no secret store was consulted")
        } else if let secretStore {
            secrets = await FetchedSecrets.fetch(names, from: secretStore)
        } else {
            do {
                let store = try AWSSecretStore(settings: prepared.secretsSettings, variables: variables)
                secrets = await FetchedSecrets.fetch(names, from: store)
            } catch {
                secrets = .none(error.description)
            }
        }
        return finish(prepared, variables: variables, secrets: secrets)
    }

    /// The file's entries, where secrets live and every secret reference, before any value is typed.
    private struct Prepared {
        var environment: AppEnvironment
        var entries: [String: ConfigEntry]
        var displayPath: String
        var secretsSettings: SecretsSettings
        var references: [SecretReference]
    }

    private static func prepare(
        environment: AppEnvironment, configDirectory: URL, variables: [String: String]
    ) throws -> Prepared {
        let file = configDirectory.appendingPathComponent("\(environment.rawValue).yaml")
        let display = "\(configDirectory.lastPathComponent)/\(environment.rawValue).yaml"
        let entries = try ConfigFile.entries(at: file, displayPath: display)
        // The main read reports any problem with the secrets section; this one only locates the store.
        var scout = SettingsReader(entries: entries, variables: variables)
        let secretsSettings = SecretsSettings.read(with: &scout, variables: variables)
        let overrides = variables.filter { $0.key.hasPrefix("MERCATO_") }.map(\.value)
        let references = (entries.values.map(\.raw) + overrides).flatMap(Interpolation.secretReferences(in:))
        return Prepared(
            environment: environment, entries: entries, displayPath: display, secretsSettings: secretsSettings,
            references: references)
    }

    private static func finish(
        _ prepared: Prepared, variables: [String: String], secrets: FetchedSecrets
    ) -> SettingsEvaluation {
        var reader = SettingsReader(entries: prepared.entries, variables: variables, secrets: secrets)
        var settings = read(environment: prepared.environment, with: &reader)
        settings.secrets = SecretsSettings.read(with: &reader, variables: variables)
        reader.reportUnknownKeys()
        // A key that already failed to parse would only repeat itself as a deployment refusal.
        let failedKeys = Set(reader.problems.map(\.key))
        let problems = reader.problems + DeploymentRules.problems(in: settings).filter { !failedKeys.contains($0.key) }
        return SettingsEvaluation(
            settings: settings, problems: problems, displayPath: prepared.displayPath,
            secretNames: Set(prepared.references.map(\.name)), referenceCount: prepared.references.count)
    }

    /// The config folder: `MERCATO_CONFIG_DIR`, else `./config`.
    public static func defaultConfigDirectory(variables: [String: String] = ProcessInfo.processInfo.environment)
        -> URL
    {
        if let path = variables["MERCATO_CONFIG_DIR"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("config")
    }

    private static func read(environment: AppEnvironment, with reader: inout SettingsReader) -> Settings {
        let deployed = environment.isDeployed
        let server = ServerSettings(
            hostname: reader.text("server.host", default: "127.0.0.1") ?? "127.0.0.1",
            port: reader.integer("server.port", default: 8080, range: 1...65535),
            baseURL: reader.text("server.baseURL", default: "http://localhost:8080") ?? "",
            shutdownTimeoutSeconds: reader.integer("server.shutdownTimeoutSeconds", default: 10, range: 1...300),
            trustedProxies: trustedProxies(&reader),
            limits: connectionLimits(&reader)
        )
        let log = LogSettings(
            level: reader.choice("log.level", default: .info),
            format: reader.choice("log.format", default: deployed ? .json : .text)
        )
        let database = readDatabase(with: &reader)
        let redis = RedisSettings(
            host: reader.text("redis.host"),
            port: reader.integer("redis.port", default: 6379, range: 1...65535),
            password: reader.text("redis.password", secret: true),
            database: reader.integer("redis.database", default: 0, range: 0...15),
            cluster: reader.boolean("redis.cluster", default: false),
            maxConnections: reader.integer("redis.maxConnections", default: 8, range: 1...256),
            tls: reader.boolean("redis.tls", default: false),
            caFile: reader.text("redis.caFile")
        )
        let adapters = AdapterSettings(
            cache: reader.choice("adapters.cache", default: .memory),
            storage: reader.choice("adapters.storage", default: .local),
            mailer: reader.choice("adapters.mailer", default: .file),
            payments: reader.choice("adapters.payments", default: .test),
            search: reader.choice("adapters.search", default: .database)
        )
        let storage = StorageSettings(reading: &reader)
        if reader.text("admin.token", secret: true) != nil {
            // Said plainly rather than as an unknown setting: older configurations still carry it.
            reader.fail(
                "admin.token",
                "is retired: the Admin API takes staff sessions and API keys (`mercato staff create`, "
                    + "`mercato staff api-key`); remove it")
        }
        let storefront = readStorefront(with: &reader)
        let checkout = CheckoutSettings.read(with: &reader)
        let features = reader.featureFlags()
        let jobs = JobSettings(reading: &reader)
        let stripe = StripeSettings.read(with: &reader)
        let mail = reader.mailSettings()
        let throttle = ThrottleSettings(reading: &reader)
        return Settings(
            environment: environment, server: server, log: log, database: database, redis: redis,
            adapters: adapters, storage: storage, storefront: storefront, checkout: checkout,
            features: features, mail: mail, resolved: reader.resolved, jobs: jobs, stripe: stripe, throttle: throttle)
    }

    /// `server.limits.*`: timeouts and sizes; the request deadline must leave the body its time.
    private static func connectionLimits(_ reader: inout SettingsReader) -> ConnectionLimits {
        var limits = ConnectionLimits()
        limits.idleTimeoutSeconds = reader.integer(
            "server.limits.idleTimeoutSeconds", default: limits.idleTimeoutSeconds, range: 1...3_600)
        limits.bodyReadTimeoutSeconds = reader.integer(
            "server.limits.bodyReadTimeoutSeconds", default: limits.bodyReadTimeoutSeconds, range: 1...600)
        limits.requestTimeoutSeconds = reader.integer(
            "server.limits.requestTimeoutSeconds", default: limits.requestTimeoutSeconds, range: 1...900)
        limits.maximumURIBytes = reader.integer(
            "server.limits.maximumURIBytes", default: limits.maximumURIBytes, range: 256...65_536)
        limits.maximumHeaderBytes = reader.integer(
            "server.limits.maximumHeaderBytes", default: limits.maximumHeaderBytes, range: 1_024...65_536)
        if limits.requestTimeoutSeconds <= limits.bodyReadTimeoutSeconds {
            reader.fail(
                "server.limits.requestTimeoutSeconds",
                "must be longer than server.limits.bodyReadTimeoutSeconds (\(limits.bodyReadTimeoutSeconds))")
        }
        return limits
    }

    /// `server.trustedProxies`: comma-separated CIDRs of the load balancer in front, and
    /// `cloudfront` when CloudFront is the only way to it.
    private static func trustedProxies(_ reader: inout SettingsReader) -> TrustedProxies {
        let text = reader.text("server.trustedProxies", default: "") ?? ""
        switch TrustedProxies.parse(text) {
        case .success(let proxies):
            return proxies
        case .failure(let failure):
            reader.fail(
                "server.trustedProxies", "'\(failure.entry.prefix(60))' is not an address, a CIDR network or cloudfront"
            )
            return TrustedProxies(networks: [])
        }
    }

    private static func readStorefront(with reader: inout SettingsReader) -> StorefrontSettings {
        var apiBaseURL = reader.text("storefront.apiBaseURL")
        if let url = apiBaseURL {
            let components = URLComponents(string: url)
            let scheme = components?.scheme?.lowercased()
            if components?.host?.isEmpty != false || !(scheme == "http" || scheme == "https")
                || components?.query != nil
            {
                reader.fail(
                    "storefront.apiBaseURL", "'\(url)' is not an http:// or https:// URL such as http://api:8080")
                apiBaseURL = nil
            } else if url.hasSuffix("/") {
                apiBaseURL = String(url.dropLast())
            }
        }
        return StorefrontSettings(
            apiBaseURL: apiBaseURL,
            apiTimeoutSeconds: reader.integer("storefront.apiTimeoutSeconds", default: 5, range: 1...60))
    }

    private static func readDatabase(with reader: inout SettingsReader) -> DatabaseSettings {
        let host = reader.text("database.host")
        let port = reader.integer("database.port", default: 5432, range: 1...65535)
        let username = reader.text("database.username", default: "mercato") ?? "mercato"
        let password = reader.text("database.password", secret: true)
        let name = reader.text("database.database", default: "data/mercato.sqlite") ?? ""
        let ssl = reader.boolean("database.ssl", default: true)
        let maxConnections = reader.integer("database.maxConnections", default: 10, range: 1...1000)
        guard let host else { return .sqlite(path: name) }
        return .postgres(
            PostgresSettings(
                host: host, port: port, username: username, password: password, database: name, ssl: ssl,
                maxConnections: maxConnections))
    }
}

/// Settings read as far as possible, with every problem found on the way.
struct SettingsEvaluation: Sendable {
    /// The settings, with defaults standing in for values that had problems.
    var settings: Settings
    var problems: [SettingsProblem]
    /// `config/production.yaml`, for messages.
    var displayPath: String
    /// The distinct secrets the configuration references.
    var secretNames: Set<String>
    /// How many `${secret:…}` references the configuration holds.
    var referenceCount: Int

    /// The settings when there are no problems.
    /// - Throws: `SettingsError` with every problem.
    func validSettings() throws -> Settings {
        guard problems.isEmpty else { throw SettingsError(problems: problems) }
        return settings
    }
}
