import Foundation

/// A token bucket: it holds at most `capacity` tokens, gains `refillPerSecond` of them
/// continuously, and every request takes one. A client may burst up to the capacity, then goes at
/// the refill rate; unlike fixed windows there is no boundary at which the rate doubles.
struct TokenBucket: Sendable, Equatable {
    /// The largest burst, and what a client that was quiet for a while may send at once.
    var capacity: Int
    /// The sustained rate.
    var refillPerSecond: Double

    /// What one request found in the bucket.
    struct Draw: Sendable, Equatable {
        /// Whether a token was taken: the request may go on.
        var allowed: Bool
        /// Whole tokens left after this request.
        var remaining: Int
        /// Milliseconds until the next whole token, zero when one is left.
        var millisecondsUntilNextToken: Int
        /// Milliseconds until the bucket is full again.
        var millisecondsUntilFull: Int
    }

    /// The bucket's stored state: tokens (fractional, as refill is continuous) at a moment in
    /// milliseconds.
    struct State: Sendable, Equatable {
        var tokens: Double
        var atMilliseconds: Int64
    }

    private var refillPerMillisecond: Double { refillPerSecond / 1_000 }

    /// Refills `state` up to `now` (a missing state is a full bucket) and takes one token if there is
    /// one. The memory cache runs this under its lock; ``RedisCache/tokenBucketScript`` is the same
    /// arithmetic inside Redis, so instances sharing Redis share the bucket.
    func draw(from state: State?, now: Int64) -> (state: State, draw: Draw) {
        let capacity = Double(capacity)
        var tokens = capacity
        if let state {
            let elapsed = Double(max(0, now - state.atMilliseconds))
            tokens = min(capacity, state.tokens + elapsed * refillPerMillisecond)
        }
        let allowed = tokens >= 1
        if allowed { tokens -= 1 }
        let draw = Draw(
            allowed: allowed, remaining: Int(tokens.rounded(.down)),
            millisecondsUntilNextToken: tokens >= 1 ? 0 : Int(((1 - tokens) / refillPerMillisecond).rounded(.up)),
            millisecondsUntilFull: Int(((capacity - tokens) / refillPerMillisecond).rounded(.up)))
        return (State(tokens: tokens, atMilliseconds: now), draw)
    }

    /// How long an untouched bucket must be kept: once it would be full again, forgetting it is the
    /// same as keeping it.
    func retention(after draw: Draw) -> Duration { .milliseconds(draw.millisecondsUntilFull + 1_000) }
}

extension TokenBucket.State {
    /// `tokens:milliseconds`, as the memory cache stores it among its byte values.
    var encoded: [UInt8] { Array("\(tokens):\(atMilliseconds)".utf8) }

    init?(encoded bytes: [UInt8]) {
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: ":")
        guard parts.count == 2, let tokens = Double(parts[0]), let at = Int64(parts[1]) else { return nil }
        self.init(tokens: tokens, atMilliseconds: at)
    }
}
