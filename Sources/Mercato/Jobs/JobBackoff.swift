import Foundation

/// When a failed job runs again: `base × 2^(attempt-1)`, capped, plus up to 10 % jitter so jobs that
/// failed together (an outage) don't all retry in the same instant.
struct JobBackoff: Sendable {
    var baseSeconds: Double
    var maxSeconds: Double

    init(settings: JobSettings) {
        baseSeconds = Double(settings.retryBaseDelaySeconds)
        maxSeconds = Double(settings.retryMaxDelaySeconds)
    }

    /// - Parameters:
    ///   - attempt: the attempt that just failed, 1 for the first.
    ///   - jitter: a fraction in 0..<1 (random by default), scaled to at most 10 % extra delay.
    func delay(afterAttempt attempt: Int, jitter: Double = Double.random(in: 0..<1)) -> TimeInterval {
        // 2^30 already exceeds any cap; the clamp keeps the power finite for absurd attempt counts.
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let delay = min(maxSeconds, baseSeconds * pow(2, exponent))
        return delay * (1 + 0.1 * min(max(jitter, 0), 1))
    }
}
