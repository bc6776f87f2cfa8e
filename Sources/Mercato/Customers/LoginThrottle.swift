import Crypto
import Foundation
import Vapor

/// Limits failed sign-ins per account and per client address through the cache port, so the
/// limit holds across instances when the cache is Redis.
struct LoginThrottle {
    let cache: any Cache
    let settings: CheckoutSettings

    private var window: Duration { .seconds(settings.loginThrottleMinutes * 60) }

    /// Throws `tooManyAttempts` when either counter has reached its limit.
    func check(email: String, address: String) async throws {
        let account = try await count(Self.accountKey(email))
        let client = try await count(Self.addressKey(address))
        if account >= settings.loginAttemptsPerAccount || client >= settings.loginAttemptsPerAddress {
            throw CustomerError.tooManyAttempts(retryAfterSeconds: settings.loginThrottleMinutes * 60)
        }
    }

    func recordFailure(email: String, address: String) async throws {
        _ = try await cache.increment(Self.accountKey(email), by: 1, expiresIn: window)
        _ = try await cache.increment(Self.addressKey(address), by: 1, expiresIn: window)
    }

    /// A successful sign-in clears the account's counter (not the address's: one good password
    /// mustn't reset a guessing run against other accounts).
    func recordSuccess(email: String) async throws {
        try await cache.delete(Self.accountKey(email))
    }

    private func count(_ key: String) async throws -> Int {
        try await cache.increment(key, by: 0, expiresIn: window)
    }

    private static func accountKey(_ email: String) -> String {
        "login:account:" + SHA256.hash(data: Data(email.utf8)).prefix(16).hexString
    }

    private static func addressKey(_ address: String) -> String { "login:address:\(address)" }
}
