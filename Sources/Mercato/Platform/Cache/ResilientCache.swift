import Foundation
import Logging
import NIOConcurrencyHelpers
import Prometheus

/// Keeps the shop up when the cache backend is down: failed reads become misses, failed writes are
/// dropped, each fallback is counted and logged (once per outage), and the backend is used again
/// as soon as it answers.
final class ResilientCache: Cache {
    let backend: any Cache
    private let fallbacks: Counter
    private let logger: Logger
    private let failing = NIOLockedValueBox(false)

    init(backend: any Cache, metrics: AppMetrics, logger: Logger) {
        self.backend = backend
        self.fallbacks = metrics.registry.makeCounter(
            descriptor: .init(
                namespace: "mercato", metricName: "cache_fallbacks", unitName: "total",
                helpText: "Cache operations answered without the cache backend because it failed"))
        self.logger = logger
    }

    /// Whether the last operation failed: readiness reports the cache as degraded meanwhile.
    var isDegraded: Bool { failing.withLockedValue { $0 } }

    func get(_ key: String) async throws -> [UInt8]? {
        await attempt("get") { try await backend.get(key) } ?? nil
    }

    func set(_ key: String, to value: [UInt8], expiresIn ttl: Duration?) async throws {
        await attempt("set") { try await backend.set(key, to: value, expiresIn: ttl) }
    }

    func delete(_ key: String) async throws {
        await attempt("delete") { try await backend.delete(key) }
    }

    /// Counters can't be faked: a failure is reported to the caller, which decides (a rate limiter
    /// may let the request through, a version bump may be retried).
    func increment(_ key: String, by amount: Int, expiresIn ttl: Duration?) async throws -> Int {
        do {
            let value = try await backend.increment(key, by: amount, expiresIn: ttl)
            recovered()
            return value
        } catch {
            fellBack("increment", error)
            throw error
        }
    }

    /// Like counters, a bucket can't be faked; the caller decides what a failure means.
    func takeToken(_ key: String, from bucket: TokenBucket) async throws -> TokenBucket.Draw {
        do {
            let draw = try await backend.takeToken(key, from: bucket)
            recovered()
            return draw
        } catch {
            fellBack("takeToken", error)
            throw error
        }
    }

    private func attempt<T>(_ operation: String, _ body: () async throws -> T) async -> T? {
        do {
            let value = try await body()
            recovered()
            return value
        } catch {
            fellBack(operation, error)
            return nil
        }
    }

    private func recovered() {
        if failing.withLockedValue({ was in
            defer { was = false }; return was
        }) {
            logger.notice("cache backend answering again; cache resumed")
        }
    }

    private func fellBack(_ operation: String, _ error: any Error) {
        fallbacks.increment()
        if !failing.withLockedValue({ was in
            defer { was = true }; return was
        }) {
            logger.warning(
                "cache backend failed; serving from the database until it is back",
                metadata: ["operation": .string(operation), "error": .string(String(describing: error))])
        }
    }
}
