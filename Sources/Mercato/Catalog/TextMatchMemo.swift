import NIOConcurrencyHelpers

/// The text matches and typo corrections of recent search words, held with the `ListingCatalogue`
/// they were ranked against, so they go when the catalogue version moves (a product's text only
/// changes by a catalogue write). Shoppers repeat a shop's popular words far more often than they
/// type new ones; a held word costs no statement at all. Bounded in entries and in positions held
/// (4 bytes each), dropping the oldest first.
final class TextMatchMemo: Sendable {
    let maxEntries: Int
    let maxPositions: Int

    private struct State {
        var matches: [String: [Int32]] = [:]
        var corrections: [String: [String]] = [:]
        /// Keys of `matches` (prefixed "m") and `corrections` ("c"), oldest first.
        var arrivals: [String] = []
        var positionsHeld = 0

        mutating func evictOldest() {
            guard !arrivals.isEmpty else { return }
            let key = arrivals.removeFirst()
            let name = String(key.dropFirst())
            if key.hasPrefix("m") {
                positionsHeld -= matches.removeValue(forKey: name)?.count ?? 0
            } else {
                corrections.removeValue(forKey: name)
            }
        }
    }

    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - maxEntries: match lists and corrections held together.
    ///   - maxPositions: positions held over all match lists (4 MB at the default); a longer list
    ///     than this is answered but not held.
    init(maxEntries: Int = 4_096, maxPositions: Int = 1_000_000) {
        (self.maxEntries, self.maxPositions) = (maxEntries, maxPositions)
    }

    /// The positions matching `terms`, best first: held, or `load()`'s, then held.
    func matches(_ terms: [String], load: () async throws -> [Int32]) async throws -> [Int32] {
        let key = terms.joined(separator: " ")
        if let held = state.withLockedValue({ $0.matches[key] }) { return held }
        let loaded = try await load()
        guard loaded.count <= maxPositions else { return loaded }
        state.withLockedValue { state in
            guard state.matches[key] == nil else { return }
            while state.arrivals.count >= maxEntries || state.positionsHeld + loaded.count > maxPositions {
                state.evictOldest()
            }
            state.matches[key] = loaded
            state.positionsHeld += loaded.count
            state.arrivals.append("m" + key)
        }
        return loaded
    }

    /// The correction of `terms`: held, or `load()`'s, then held.
    func corrected(_ terms: [String], load: () async throws -> [String]) async throws -> [String] {
        let key = terms.joined(separator: " ")
        if let held = state.withLockedValue({ $0.corrections[key] }) { return held }
        let loaded = try await load()
        state.withLockedValue { state in
            guard state.corrections[key] == nil else { return }
            while state.arrivals.count >= maxEntries { state.evictOldest() }
            state.corrections[key] = loaded
            state.arrivals.append("c" + key)
        }
        return loaded
    }

    /// How many match lists and corrections are held.
    var count: Int { state.withLockedValue { $0.arrivals.count } }
}
