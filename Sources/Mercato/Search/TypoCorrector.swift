import SQLKit

/// Rewrites misspelled search terms to the closest word the catalogue actually uses.
struct TypoCorrector {
    let match: any TextMatch
    let sql: any SQLDatabase

    func correct(_ terms: [String]) async throws -> [String] {
        var corrected: [String] = []
        for term in terms {
            corrected.append(try await closest(to: term) ?? term)
        }
        return corrected
    }

    private func closest(to term: String) async throws -> String? {
        let tolerance = SearchText.tolerance(forLength: term.count)
        guard tolerance > 0 else { return nil }
        let candidates = try await match.candidates(for: term, on: sql)
        if candidates.contains(term) { return nil }
        let scored = candidates.map { ($0, SearchText.editDistance(term, $0)) }.filter { $0.1 <= tolerance }
        // Nearest first; among equals prefer the same first letter, then alphabetical, so the choice is stable.
        return scored.min { lhs, rhs in
            if lhs.1 != rhs.1 { return lhs.1 < rhs.1 }
            let lhsFirst = lhs.0.first == term.first
            let rhsFirst = rhs.0.first == term.first
            if lhsFirst != rhsFirst { return lhsFirst }
            return lhs.0 < rhs.0
        }?.0
    }
}
