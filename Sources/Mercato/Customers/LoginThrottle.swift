import Crypto
import Foundation
import Vapor

/// Slows failed sign-ins per account and limits them per client address, through the cache port,
/// so both hold across instances when the cache is Redis.
///
/// An account is never locked: after `loginAttemptsPerAccount` failures each further attempt waits
/// a delay that doubles with every failure (by default 1 s, 2 s, 4 s … up to 30 s),
/// which makes guessing one password hopeless while the customer can always get in within
/// seconds. Guessing across many accounts is what the per-address limit stops.
///
/// When the cache can't count (Redis down), sign-in goes on unthrottled and says so in the log,
/// like the request throttle: customers can still get in, and the edge's per-address rate rule
/// and the cost of a bcrypt check still bound a guessing run meanwhile.
struct LoginThrottle {
    let cache: any Cache
    let settings: CheckoutSettings
    /// Keeps one kind of account's counters apart from another's: a customer and a member of staff
    /// may share an email address without sharing a delay.
    var scope = "login"
    var now: @Sendable () -> Date = { Date() }
    var logger = Logger(label: "mercato.login-throttle")

    private var window: Duration { .seconds(settings.loginThrottleMinutes * 60) }

    /// Throws `tooManyAttempts` while the account's delay runs or the address has used its attempts.
    func check(email: String, address: String) async throws {
        if let bytes = try await cache.get(delayKey(email)),
            let until = Double(String(decoding: bytes, as: UTF8.self))
        {
            let wait = until - now().timeIntervalSince1970
            if wait > 0 { throw CustomerError.tooManyAttempts(retryAfterSeconds: Int(wait.rounded(.up))) }
        }
        let client: Int
        do {
            client = try await cache.increment(addressKey(address), by: 0, expiresIn: window)
        } catch {
            logger.warning(
                "sign-in attempts can't be counted; letting this one through", metadata: ["error": "\(error)"])
            return
        }
        if client >= settings.loginAttemptsPerAddress {
            throw CustomerError.tooManyAttempts(retryAfterSeconds: settings.loginThrottleMinutes * 60)
        }
    }

    func recordFailure(email: String, address: String) async throws {
        let failures: Int
        do {
            failures = try await cache.increment(accountKey(email), by: 1, expiresIn: window)
            _ = try await cache.increment(addressKey(address), by: 1, expiresIn: window)
        } catch {
            logger.warning("a failed sign-in couldn't be counted", metadata: ["error": "\(error)"])
            return
        }
        guard failures >= settings.loginAttemptsPerAccount else { return }
        let seconds = Self.delay(afterFailures: failures, settings: settings)
        let until = now().timeIntervalSince1970 + Double(seconds)
        // Kept for the window, not the delay: the stored moment decides, so clocks alone rule it.
        try await cache.set(delayKey(email), to: Array(String(until).utf8), expiresIn: window)
    }

    /// A successful sign-in clears the account's counter and delay (not the address's: one good
    /// password mustn't reset a guessing run against other accounts).
    func recordSuccess(email: String) async throws {
        try await cache.delete(accountKey(email))
        try await cache.delete(delayKey(email))
    }

    /// Seconds to wait after `failures` failed attempts, once the free ones are used.
    static func delay(afterFailures failures: Int, settings: CheckoutSettings) -> Int {
        let doublings = min(max(0, failures - settings.loginAttemptsPerAccount), 20)
        return min(settings.loginFirstDelaySeconds << doublings, settings.loginMaximumDelaySeconds)
    }

    private func accountKey(_ email: String) -> String { "\(scope):account:" + Self.digest(email) }

    private func delayKey(_ email: String) -> String { "\(scope):delay:" + Self.digest(email) }

    private static func digest(_ email: String) -> String {
        SHA256.hash(data: Data(email.utf8)).prefix(16).hexString
    }

    private func addressKey(_ address: String) -> String { "\(scope):address:\(address)" }
}
