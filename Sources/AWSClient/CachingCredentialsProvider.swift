import Foundation

/// Keeps the credentials another provider returned and fetches new ones only when they are about to
/// expire; meant to be created once and shared by every client of a process.
///
/// Credentials without an ``AWSCredentials/expiration`` (long-term keys) are kept for good. Temporary
/// ones are refreshed once less than ``refreshWindow`` remains. Concurrent callers that find them stale
/// wait for one shared fetch instead of each starting their own. If a refresh fails while the old
/// credentials have not yet expired, those are returned and the next call tries again.
public actor CachingCredentialsProvider: AWSCredentialsProvider {
    /// The provider credentials come from.
    public nonisolated let source: any AWSCredentialsProvider
    /// How long before expiry a refresh starts.
    public nonisolated let refreshWindow: Duration
    private let now: @Sendable () -> Date
    private var cached: AWSCredentials?
    private var refresh: Task<Result<AWSCredentials, AWSError>, Never>?

    /// Wraps `source`.
    ///
    /// - Parameters:
    ///   - refreshWindow: refresh when less than this remains (5 minutes, as the SDKs do).
    ///   - now: the clock; tests may inject one.
    public init(
        _ source: any AWSCredentialsProvider,
        refreshWindow: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.source = source
        self.refreshWindow = refreshWindow
        self.now = now
    }

    public func credentials() async throws(AWSError) -> AWSCredentials {
        if let cached, !isStale(cached) {
            return cached
        }
        let task: Task<Result<AWSCredentials, AWSError>, Never>
        if let refresh {
            task = refresh
        } else {
            let source = self.source
            task = Task { await self.fetch(from: source) }
            refresh = task
        }
        switch await task.value {
        case .success(let credentials):
            return credentials
        case .failure(let error):
            if let cached, let expiration = cached.expiration, expiration > now() {
                return cached
            }
            throw error
        }
    }

    /// Drops the cached credentials, so the next call fetches (for example after an `ExpiredToken`).
    public func invalidate() {
        cached = nil
    }

    private func fetch(from source: any AWSCredentialsProvider) async -> Result<AWSCredentials, AWSError> {
        let result: Result<AWSCredentials, AWSError>
        do {
            result = .success(try await source.credentials())
        } catch {
            result = .failure(error)
        }
        if case .success(let credentials) = result {
            cached = credentials
        }
        refresh = nil
        return result
    }

    private func isStale(_ credentials: AWSCredentials) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        let (seconds, attoseconds) = refreshWindow.components
        let window = TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
        return expiration.timeIntervalSince(now()) < window
    }
}
