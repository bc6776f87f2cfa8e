import Foundation
import NIOConcurrencyHelpers

/// A size-bounded LRU cache with per-entry expiry, for a single instance (the embedded default).
final class MemoryCache: Cache {
    private struct Entry {
        var value: [UInt8]
        var expiresAt: ContinuousClock.Instant?
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Use stamps in order: the oldest is evicted first. Stale stamps are skipped lazily.
        var order: [(stamp: UInt64, key: String)] = []
        var orderStart = 0
        var clock: UInt64 = 0
        var bytes = 0
    }

    let maximumEntries: Int
    let maximumBytes: Int
    private let state = NIOLockedValueBox(State())
    private let now: @Sendable () -> ContinuousClock.Instant
    /// Token buckets count milliseconds from here.
    private let origin: ContinuousClock.Instant

    /// - Parameters:
    ///   - maximumEntries: how many keys are kept before the least recently used go.
    ///   - maximumBytes: the same bound on the total size of values.
    init(
        maximumEntries: Int = 10_000, maximumBytes: Int = 64 * 1024 * 1024,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
        self.now = now
        self.origin = now()
    }

    var count: Int { state.withLockedValue { $0.entries.count } }

    func get(_ key: String) async throws -> [UInt8]? {
        let instant = now()
        return state.withLockedValue { state in
            guard var entry = state.entries[key] else { return nil }
            if let expiry = entry.expiresAt, expiry <= instant {
                Self.remove(key, from: &state)
                return nil
            }
            entry.lastUse = Self.touch(key, in: &state)
            state.entries[key] = entry
            return entry.value
        }
    }

    func set(_ key: String, to value: [UInt8], expiresIn ttl: Duration?) async throws {
        let expiry = ttl.map { now() + $0 }
        state.withLockedValue { put(key, value, expiresAt: expiry, in: &$0) }
    }

    func delete(_ key: String) async throws {
        state.withLockedValue { Self.remove(key, from: &$0) }
    }

    func increment(_ key: String, by amount: Int, expiresIn ttl: Duration?) async throws -> Int {
        let instant = now()
        return state.withLockedValue { state in
            var current = 0
            var expiry = ttl.map { instant + $0 }
            if let entry = state.entries[key], entry.expiresAt.map({ $0 > instant }) ?? true {
                current = Int(String(decoding: entry.value, as: UTF8.self)) ?? 0
                expiry = entry.expiresAt
            }
            let next = current + amount
            put(key, Array(String(next).utf8), expiresAt: expiry, in: &state)
            return next
        }
    }

    func takeToken(_ key: String, from bucket: TokenBucket) async throws -> TokenBucket.Draw {
        let instant = now()
        let elapsed = (instant - origin).components
        let milliseconds = elapsed.seconds * 1_000 + elapsed.attoseconds / 1_000_000_000_000_000
        return state.withLockedValue { state in
            var stored: TokenBucket.State?
            if let entry = state.entries[key], entry.expiresAt.map({ $0 > instant }) ?? true {
                stored = TokenBucket.State(encoded: entry.value)
            }
            let (next, draw) = bucket.draw(from: stored, now: milliseconds)
            put(key, next.encoded, expiresAt: instant + bucket.retention(after: draw), in: &state)
            return draw
        }
    }

    /// Replaces `key`'s value as the most recently used entry, then evicts over the bounds.
    private func put(_ key: String, _ value: [UInt8], expiresAt expiry: ContinuousClock.Instant?, in state: inout State)
    {
        Self.remove(key, from: &state)
        state.entries[key] = Entry(value: value, expiresAt: expiry, lastUse: Self.touch(key, in: &state))
        state.bytes += value.count
        evict(&state)
    }

    private static func touch(_ key: String, in state: inout State) -> UInt64 {
        state.clock += 1
        state.order.append((state.clock, key))
        return state.clock
    }

    private static func remove(_ key: String, from state: inout State) {
        if let old = state.entries.removeValue(forKey: key) { state.bytes -= old.value.count }
    }

    private func evict(_ state: inout State) {
        while state.entries.count > maximumEntries || state.bytes > maximumBytes, state.orderStart < state.order.count {
            let (stamp, key) = state.order[state.orderStart]
            state.orderStart += 1
            if state.entries[key]?.lastUse == stamp { Self.remove(key, from: &state) }
        }
        // Compact the use log once most of it is stale, so memory stays proportional to the entries.
        if state.orderStart > 1_024, state.orderStart * 2 > state.order.count {
            state.order.removeFirst(state.orderStart)
            state.orderStart = 0
        }
    }
}
