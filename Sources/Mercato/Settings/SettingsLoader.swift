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
        let file = configDirectory.appendingPathComponent("\(environment.rawValue).yaml")
        let display = "\(configDirectory.lastPathComponent)/\(environment.rawValue).yaml"
        let entries = try ConfigFile.entries(at: file, displayPath: display)
        var reader = SettingsReader(entries: entries, variables: variables)
        let settings = read(environment: environment, with: &reader)
        reader.reportUnknownKeys()
        // A key that already failed to parse would only repeat itself as a deployment refusal.
        let failedKeys = Set(reader.problems.map(\.key))
        let problems = reader.problems + DeploymentRules.problems(in: settings).filter { !failedKeys.contains($0.key) }
        guard problems.isEmpty else { throw SettingsError(problems: problems) }
        return settings
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
            shutdownTimeoutSeconds: reader.integer("server.shutdownTimeoutSeconds", default: 10, range: 1...300)
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
        let storage = StorageSettings(
            directory: reader.text("storage.directory", default: "data/media") ?? "data/media",
            bucket: reader.text("storage.bucket"),
            region: reader.text("storage.region", default: "us-east-1") ?? "us-east-1",
            endpoint: reader.text("storage.endpoint"),
            pathStyle: reader.boolean("storage.pathStyle", default: false),
            publicBaseURL: reader.text("storage.publicBaseURL")
        )
        let admin = AdminSettings(token: reader.text("admin.token", secret: true))
        let storefront = readStorefront(with: &reader)
        let checkout = CheckoutSettings.read(with: &reader)
        let features = reader.featureFlags()
        let jobs = JobSettings(reading: &reader)
        return Settings(
            environment: environment, server: server, log: log, database: database, redis: redis,
            adapters: adapters, storage: storage, admin: admin, storefront: storefront, checkout: checkout,
            features: features, resolved: reader.resolved, jobs: jobs)
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
