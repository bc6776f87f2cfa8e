import AWSClient
import Fluent
import Foundation
import RedisClient
import Vapor

/// Chooses each port's adapter from configuration at boot (never by `#if`).
enum AdapterSetup {
    static func configure(_ app: Application, settings: Settings) throws {
        app.awsCredentials = AWSCredentialsSetup.shared
        if settings.adapters.storage == .s3 || settings.adapters.mailer == .ses {
            app.lifecycle.use(AWSCredentialsCheck(provider: app.awsCredentials, logger: app.logger))
        }
        app.objectStorage = try objectStorage(for: settings, app: app)
        app.mailer = try mailer(for: settings, app: app)
        let cache = ResilientCache(
            backend: try cacheBackend(for: settings, app: app), metrics: app.metrics, logger: app.logger)
        app.dataCache = cache
        app.catalogCache = CatalogCache(cache: cache)
        if settings.adapters.cache == .redis { app.healthChecks.append(CacheHealthCheck(cache: cache)) }
        app.payments = try paymentProvider(for: settings, app: app)
        switch settings.adapters.search {
        case .database:
            app.searchEngine = DatabaseSearchEngine()
        case .opensearch:
            throw AdapterUnavailable(port: "search", adapter: "opensearch")
        }
    }

    private static func objectStorage(for settings: Settings, app: Application) throws -> any ObjectStorage {
        switch settings.adapters.storage {
        case .local:
            return LocalDirectoryStorage(root: URL(fileURLWithPath: settings.storage.directory))
        case .s3:
            let storage = settings.storage
            let bucket = storage.bucket ?? ""
            let configuration = S3Configuration(
                bucket: bucket, region: storage.region, endpoint: storage.endpoint,
                addressingStyle: storage.pathStyle ? .path : .virtualHosted)
            let client = try S3Client(
                configuration: configuration, credentialsProvider: app.awsCredentials,
                httpClient: app.http.client.shared, logger: app.logger)
            let bucketURL =
                storage.pathStyle || storage.endpoint != nil
                ? "\(storage.endpoint ?? "https://s3.\(storage.region).amazonaws.com")/\(bucket)"
                : "https://\(bucket).s3.\(storage.region).amazonaws.com"
            return S3ObjectStorage(
                client: client, publicBaseURL: storage.publicBaseURL ?? bucketURL, keyPrefix: storage.keyPrefix)
        }
    }

    private static func paymentProvider(for settings: Settings, app: Application) throws -> any PaymentProvider {
        switch settings.adapters.payments {
        case .test:
            return TestPaymentProvider(
                database: { [unowned app] in app.db }, webhookSecret: settings.checkout.testWebhookSecret)
        case .stripe:
            return try StripePaymentProvider(
                settings: settings.stripe, httpClient: app.http.client.shared, logger: app.logger)
        }
    }

    private static func cacheBackend(for settings: Settings, app: Application) throws -> any Cache {
        switch settings.adapters.cache {
        case .memory:
            return MemoryCache()
        case .redis:
            let redis = settings.redis
            let configuration = RedisConfiguration(
                host: redis.host ?? "127.0.0.1", port: redis.port, password: redis.password,
                database: redis.database, maximumConnections: redis.maxConnections,
                connectTimeout: .seconds(2), commandTimeout: .milliseconds(500),
                tls: redis.tls ? RedisTLSConfiguration(caFile: redis.caFile) : nil)
            if redis.cluster {
                // The host is the cluster's configuration endpoint; every node gets its own pool.
                let client = try RedisClusterClient(
                    seeds: [RedisNodeAddress(host: configuration.host, port: configuration.port)],
                    configuration: configuration, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
                app.lifecycle.use(RedisShutdown { await client.shutdown() })
                return RedisCache(redis: client)
            }
            let pool = try RedisConnectionPool(
                configuration: configuration, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
            app.lifecycle.use(RedisShutdown { await pool.shutdown() })
            return RedisCache(redis: pool)
        }
    }
}

/// Closes the Redis connections when the application shuts down.
private struct RedisShutdown: LifecycleHandler {
    let shutdown: @Sendable () async -> Void

    func shutdownAsync(_ application: Application) async {
        await shutdown()
    }
}

/// A configured adapter this build can't provide.
struct AdapterUnavailable: Error, CustomStringConvertible {
    var port: String
    var adapter: String
    var description: String { "adapters.\(port): the \(adapter) adapter is not available in this build" }
}
