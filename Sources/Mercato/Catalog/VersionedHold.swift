import NIOConcurrencyHelpers

/// A value held in process under a version: returned while the version stands and the value is
/// younger than `maxAge`, reloaded otherwise. Requests that miss together share one load, so a
/// version change under load costs one read, not one per request.
///
/// With `patience`, a request that finds the version moved waits that long for the new load and
/// is then answered with the value of the older version while the load goes on: a load that takes
/// seconds (the listing index of a large catalogue) holds no request longer than `patience`, and
/// the answer says it is older so nothing computed from it is stored under the newer version.
final class VersionedHold<Version: Equatable & Sendable, Value: Sendable>: Sendable {
    let maxAge: Duration
    /// How long a request waits for a newer version before the older value answers; nil waits for
    /// the load. Without a value held, every request waits for the load.
    let patience: Duration?

    /// A value, and whether it belongs to the version asked for.
    struct Answer {
        let value: Value
        let isCurrent: Bool
    }

    private struct Held {
        let version: Version
        let loadedAt: ContinuousClock.Instant
        let value: Value
        /// Which load it came from: a slow load of an older version never replaces a newer one.
        let generation: Int
    }

    private struct Loading {
        let version: Version
        let generation: Int
        let task: Task<Value, any Error>
    }

    private let held = NIOLockedValueBox<Held?>(nil)
    private let inFlight = NIOLockedValueBox<(loading: Loading?, generations: Int)>((nil, 0))

    init(maxAge: Duration, patience: Duration? = nil) {
        self.maxAge = maxAge
        self.patience = patience
    }

    /// The value held for `version`, or `load()`'s, shared with every caller asking meanwhile.
    func value(for version: Version, load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await answer(for: version, load: load).value
    }

    /// The value held for `version`, or `load()`'s; with `patience`, the older value held if the
    /// load takes longer (the load goes on, and a later call gets its value).
    func answer(for version: Version, load: @escaping @Sendable () async throws -> Value) async throws -> Answer {
        let now = ContinuousClock.now
        let current = held.withLockedValue { $0 }
        if let current, current.version == version, now - current.loadedAt < maxAge {
            return Answer(value: current.value, isCurrent: true)
        }
        let loading = start(version, at: now, load)
        guard let patience, let older = current, now - older.loadedAt < maxAge * 2 else {
            return Answer(value: try await loading.value, isCurrent: true)
        }
        do {
            let value = try await withDeadline(patience, cancelsOperation: false) { try await loading.value }
            return Answer(value: value, isCurrent: true)
        } catch is DeadlineExceeded {
            return Answer(value: older.value, isCurrent: false)
        }
    }

    /// The load of `version` in flight, started if there is none. The load itself stores its value
    /// and clears itself, so callers that stopped waiting don't leave it behind.
    private func start(
        _ version: Version, at now: ContinuousClock.Instant, _ load: @escaping @Sendable () async throws -> Value
    ) -> Task<Value, any Error> {
        inFlight.withLockedValue { state in
            if let loading = state.loading, loading.version == version { return loading.task }
            state.generations += 1
            let generation = state.generations
            let task = Task { [held, inFlight] in
                defer {
                    inFlight.withLockedValue { if $0.loading?.generation == generation { $0.loading = nil } }
                }
                let value = try await load()
                held.withLockedValue { held in
                    guard (held?.generation ?? 0) < generation else { return }
                    held = Held(version: version, loadedAt: now, value: value, generation: generation)
                }
                return value
            }
            state.loading = Loading(version: version, generation: generation, task: task)
            return task
        }
    }
}
