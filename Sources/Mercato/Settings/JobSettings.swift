/// How this process runs background jobs (`jobs.*` in the configuration).
public struct JobSettings: Sendable, Equatable {
    /// How often an idle worker asks the database for due jobs.
    public var pollIntervalMilliseconds: Int
    /// Jobs one worker process runs at the same time.
    public var concurrency: Int
    /// How long a claim holds a job; a running worker renews it, so it only lapses when the worker
    /// dies, after which another worker reclaims the job.
    public var leaseSeconds: Int
    /// After SIGTERM, how long claimed jobs may run on; the rest keep their lease and run again later.
    public var shutdownTimeoutSeconds: Int
    /// Delay before the first retry; each further retry doubles it, up to `retryMaxDelaySeconds`.
    public var retryBaseDelaySeconds: Int
    public var retryMaxDelaySeconds: Int

    public init(
        pollIntervalMilliseconds: Int = 1_000, concurrency: Int = 4, leaseSeconds: Int = 60,
        shutdownTimeoutSeconds: Int = 25, retryBaseDelaySeconds: Int = 10, retryMaxDelaySeconds: Int = 3_600
    ) {
        self.pollIntervalMilliseconds = pollIntervalMilliseconds
        self.concurrency = concurrency
        self.leaseSeconds = leaseSeconds
        self.shutdownTimeoutSeconds = shutdownTimeoutSeconds
        self.retryBaseDelaySeconds = retryBaseDelaySeconds
        self.retryMaxDelaySeconds = retryMaxDelaySeconds
    }
}

extension JobSettings {
    /// Reads the `jobs` section, falling back to the defaults above for absent keys.
    init(reading reader: inout SettingsReader) {
        let defaults = JobSettings()
        self.init(
            pollIntervalMilliseconds: reader.integer(
                "jobs.pollIntervalMilliseconds", default: defaults.pollIntervalMilliseconds, range: 10...60_000),
            concurrency: reader.integer("jobs.concurrency", default: defaults.concurrency, range: 1...64),
            leaseSeconds: reader.integer("jobs.leaseSeconds", default: defaults.leaseSeconds, range: 5...3_600),
            shutdownTimeoutSeconds: reader.integer(
                "jobs.shutdownTimeoutSeconds", default: defaults.shutdownTimeoutSeconds, range: 1...600),
            retryBaseDelaySeconds: reader.integer(
                "jobs.retryBaseDelaySeconds", default: defaults.retryBaseDelaySeconds, range: 1...3_600),
            retryMaxDelaySeconds: reader.integer(
                "jobs.retryMaxDelaySeconds", default: defaults.retryMaxDelaySeconds, range: 1...86_400))
        if retryMaxDelaySeconds < retryBaseDelaySeconds {
            reader.fail(
                "jobs.retryMaxDelaySeconds",
                "\(retryMaxDelaySeconds) is below jobs.retryBaseDelaySeconds (\(retryBaseDelaySeconds))")
        }
    }
}
