/// Page links under a listing: previous/next plus a window of numbered pages around the current
/// one, always including the first and last, each link keeping the shopper's filters.
struct Pagination: Encodable, Sendable {
    struct PageLink: Encodable, Sendable {
        var number: Int
        var url: String
        var isCurrent: Bool
        /// Shown as "…" before this link because pages were skipped.
        var followsGap: Bool
    }

    var current: Int
    var totalPages: Int
    var previousURL: String?
    var nextURL: String?
    var pages: [PageLink]

    /// Nil when everything fits on one page.
    init?(current: Int, totalPages: Int, url: (Int) -> String) {
        guard totalPages > 1 else { return nil }
        self.current = current
        self.totalPages = totalPages
        previousURL = current > 1 ? url(min(current - 1, totalPages)) : nil
        nextURL = current < totalPages ? url(current + 1) : nil
        let centre = min(max(current, 1), totalPages)
        let window = Set([1, totalPages] + Array(max(1, centre - 2)...min(totalPages, centre + 2)))
        var previous = 0
        pages = window.sorted().map { number in
            defer { previous = number }
            return PageLink(
                number: number, url: url(number), isCurrent: number == current, followsGap: number > previous + 1)
        }
    }
}
