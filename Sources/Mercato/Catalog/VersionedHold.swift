import NIOConcurrencyHelpers

/// A value held in process under a version: returned while the version stands and the value is
/// younger than `maxAge`, reloaded otherwise. Requests that miss together share one load, so a
/// version change under load costs one read, not one per request.
final class VersionedHold<Version: Equatable & Sendable, Value: Sendable>: Sendable {
    let maxAge: Duration
    private let held = NIOLockedValueBox<(version: Version, loadedAt: ContinuousClock.Instant, value: Value)?>(nil)
    private let inFlight = NIOLockedValueBox<(version: Version, task: Task<Value, any Error>)?>(nil)

    init(maxAge: Duration) {
        self.maxAge = maxAge
    }

    /// The value held for `version`, or `load()`'s, shared with every caller asking meanwhile.
    func value(for version: Version, load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        if let held = held.withLockedValue({ $0 }), held.version == version, now - held.loadedAt < maxAge {
            return held.value
        }
        let loading = inFlight.withLockedValue { inFlight in
            if let inFlight, inFlight.version == version { return inFlight.task }
            let task = Task { try await load() }
            inFlight = (version, task)
            return task
        }
        defer { inFlight.withLockedValue { if $0?.task == loading { $0 = nil } } }
        let value = try await loading.value
        held.withLockedValue { $0 = (version, now, value) }
        return value
    }
}
