import Foundation

/// How text is split into search terms, the same way for indexing, querying and typo correction.
enum SearchText {
    static let maximumTerms = 8

    /// Lowercased, accent-folded runs of letters and digits, at most `maximumTerms` of them.
    static func terms(in text: String, limit: Int = maximumTerms) -> [String] {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        var terms: [String] = []
        var current = ""
        for scalar in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                terms.append(current)
                current = ""
            }
        }
        if !current.isEmpty { terms.append(current) }
        return Array(terms.prefix(limit))
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions), so "iphnoe"
    /// is one edit from "iphone".
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs)
        let b = Array(rhs)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }

    /// Edits tolerated for a term of this length: none for short words, where a typo is a different word.
    static func tolerance(forLength length: Int) -> Int {
        switch length {
        case ..<4: 0
        case 4...5: 1
        default: 2
        }
    }
}
