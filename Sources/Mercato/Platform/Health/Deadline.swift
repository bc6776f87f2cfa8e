import NIOConcurrencyHelpers

/// Thrown when an operation doesn't finish within its deadline.
struct DeadlineExceeded: Error {}

/// Runs `operation` but returns (or throws `DeadlineExceeded`) no later than `timeout`.
///
/// Unlike a task group, this doesn't wait for the operation to notice cancellation: a database
/// query on a dead connection ignores it until the pool's own, much longer, timeout. The
/// abandoned operation finishes in the background.
func withDeadline<T: Sendable>(
    _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let resumed = NIOLockedValueBox(false)
    return try await withCheckedThrowingContinuation { continuation in
        @Sendable func finish(_ result: Result<T, any Error>) {
            let first = resumed.withLockedValue { done in
                defer { done = true }
                return !done
            }
            if first { continuation.resume(with: result) }
        }
        let work = Task { finish(await Result(catching: operation)) }
        Task {
            try? await Task.sleep(for: timeout)
            finish(.failure(DeadlineExceeded()))
            work.cancel()
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
