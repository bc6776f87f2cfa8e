import Prometheus

/// The queue's instruments on the application's registry (`/metrics`).
struct JobMetrics: Sendable {
    let metrics: AppMetrics

    /// Every finished attempt, by kind and outcome (`succeeded`, `retried`, `dead`).
    func recordAttempt(kind: JobKind, outcome: String, duration: Duration) {
        metrics.registry.makeCounter(
            descriptor: .init(
                namespace: "mercato", metricName: "jobs_processed", unitName: "total",
                helpText: "Job attempts that finished, by kind and outcome"),
            labels: [("kind", kind.rawValue), ("outcome", outcome)]
        ).increment()
        metrics.registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "mercato", metricName: "job_duration", unitName: "seconds",
                helpText: "Time one job attempt took"),
            labels: [("kind", kind.rawValue)], buckets: AppMetrics.latencyBuckets
        ).record(duration)
        if outcome != "succeeded" { recordFailure(kind: kind) }
        if outcome == "dead" { recordDead(kind: kind) }
    }

    /// An attempt that failed, whether it will be retried or not.
    func recordFailure(kind: JobKind) {
        metrics.registry.makeCounter(
            descriptor: .init(
                namespace: "mercato", metricName: "jobs_failed", unitName: "total",
                helpText: "Job attempts that failed"),
            labels: [("kind", kind.rawValue)]
        ).increment()
    }

    /// A job given up on: it waits in the dead letters for an operator.
    func recordDead(kind: JobKind) {
        metrics.registry.makeCounter(
            descriptor: .init(
                namespace: "mercato", metricName: "jobs_dead", unitName: "total",
                helpText: "Jobs declared dead (dead letters)"),
            labels: [("kind", kind.rawValue)]
        ).increment()
    }

    /// Queue depth as last seen by this process's worker.
    func setQueued(_ count: Int) {
        metrics.registry.makeGauge(
            descriptor: .init(
                namespace: "mercato", metricName: "jobs_queued", unitName: "",
                helpText: "Jobs waiting in the queue (due or scheduled)")
        ).set(Double(count))
    }

    /// Jobs this process is running right now.
    func setRunning(_ count: Int) {
        metrics.registry.makeGauge(
            descriptor: .init(
                namespace: "mercato", metricName: "jobs_running", unitName: "",
                helpText: "Jobs this process is running")
        ).set(Double(count))
    }
}
