import NIOConcurrencyHelpers

/// Thrown when an operation doesn't finish within its deadline.
struct DeadlineExceeded: Error {}

/// An earlier look at a running operation: after `delay`, `failure` may end the wait with an error
/// (a request whose body still hasn't arrived), or return nil to let it go on.
struct DeadlineCheckpoint: Sendable {
    var delay: Duration
    var failure: @Sendable () -> (any Error)?
}

/// Runs `operation` but returns (or throws) no later than `timeout`: `DeadlineExceeded`, or the
/// error of the first checkpoint that gives one.
///
/// Unlike a task group, this doesn't wait for the operation to notice cancellation: a database
/// query on a dead connection ignores it until the pool's own, much longer, timeout. The
/// abandoned operation finishes in the background, cancelled when `cancelsOperation` (a probe)
/// or left to complete (a request whose half-done work must not stop between two writes).
func withDeadline<T: Sendable>(
    _ timeout: Duration, checkpoints: [DeadlineCheckpoint] = [], cancelsOperation: Bool = true,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let resumed = NIOLockedValueBox(false)
    return try await withCheckedThrowingContinuation { continuation in
        @Sendable func finish(_ result: Result<T, any Error>) -> Bool {
            let first = resumed.withLockedValue { done in
                defer { done = true }
                return !done
            }
            if first { continuation.resume(with: result) }
            return first
        }
        // The timer exists before the work, so work finishing early always finds it to cancel,
        // and no sleeping task outlives a fast request.
        let work = NIOLockedValueBox<Task<Void, Never>?>(nil)
        @Sendable func expire(_ error: any Error) {
            if finish(.failure(error)), cancelsOperation { work.withLockedValue { $0?.cancel() } }
        }
        let timer = Task {
            var waited = Duration.zero
            for checkpoint in checkpoints.sorted(by: { $0.delay < $1.delay }) where checkpoint.delay < timeout {
                guard (try? await Task.sleep(for: checkpoint.delay - waited)) != nil else { return }
                waited = checkpoint.delay
                if let error = checkpoint.failure() { return expire(error) }
            }
            guard (try? await Task.sleep(for: timeout - waited)) != nil else { return }
            expire(DeadlineExceeded())
        }
        work.withLockedValue {
            $0 = Task {
                if finish(await Result(catching: operation)) { timer.cancel() }
            }
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
