import Prometheus
import Vapor

/// The process's Prometheus registry and the HTTP and database instruments `/metrics` exposes.
///
/// One registry per application (not the global metrics bootstrap) so tests can build many apps.
final class AppMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let requestsInFlight: Gauge
    let databasePoolSize: Gauge
    let databaseConnectionsInUse: Gauge

    /// Upper bounds in seconds, dense below 100 ms where a healthy shop's requests live.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2.5), .seconds(5), .seconds(10),
    ]

    init() {
        requestsInFlight = registry.makeGauge(
            descriptor: .init(
                namespace: "http", metricName: "requests_in_flight", unitName: "",
                helpText: "Requests being handled right now"))
        databasePoolSize = registry.makeGauge(
            descriptor: .init(
                namespace: "mercato", metricName: "database_pool_size", unitName: "connections",
                helpText: "Connections the database pool may open"))
        databaseConnectionsInUse = registry.makeGauge(
            descriptor: .init(
                namespace: "mercato", metricName: "database_pool_in_use", unitName: "connections",
                helpText: "Database connections currently checked out by queries and transactions"))
    }

    /// Counts and times one finished request under its route pattern (never the raw path).
    func recordRequest(method: String, route: String, status: UInt, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(
            descriptor: .init(
                namespace: "http", metricName: "requests", unitName: "total", helpText: "Finished HTTP requests"),
            labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "http", metricName: "request_duration", unitName: "seconds",
                helpText: "Time from request head to response"),
            labels: labels, buckets: Self.latencyBuckets
        ).record(duration)
    }
}

extension Application {
    private struct MetricsKey: StorageKey {
        typealias Value = AppMetrics
    }

    var metrics: AppMetrics {
        get {
            guard let metrics = storage[MetricsKey.self] else { fatalError("MercatoApplication.make installs metrics") }
            return metrics
        }
        set { storage[MetricsKey.self] = newValue }
    }
}
