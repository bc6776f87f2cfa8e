import Foundation
import Vapor

/// What an Admin API list is asked for: optional search text, a page size and the cursor (the id of
/// the last item of the previous page), each refused with a 400 naming the parameter.
struct AdminListQuery: Sendable, Equatable {
    /// Trimmed; nil when absent or blank.
    var text: String?
    var limit: Int
    var after: UUID?

    /// - Parameters:
    ///   - maximumLimit: the largest page; 50 when `limit` is absent, or `maximumLimit` if smaller.
    ///   - maximumText: the longest `q`, in code points as the OpenAPI document counts.
    init(_ parameters: [String: String], maximumLimit: Int, maximumText: Int) throws {
        let text = parameters["q"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let text, text.unicodeScalars.count > maximumText {
            throw InvalidParameter(name: "q", problem: "must be at most \(maximumText) characters")
        }
        self.text = text?.isEmpty == false ? text : nil
        limit = min(50, maximumLimit)
        if let raw = parameters["limit"] {
            guard let value = Int(raw), 1...maximumLimit ~= value else {
                throw InvalidParameter(name: "limit", problem: "must be from 1 to \(maximumLimit)")
            }
            limit = value
        }
        if let raw = parameters["after"] {
            guard let id = UUID(uuidString: raw) else {
                throw InvalidParameter(name: "after", problem: "must be the next cursor of an earlier page")
            }
            after = id
        }
    }

    /// The text, lowercased, as a `LIKE … ESCAPE '!'` pattern matching it anywhere, with `%` and `_`
    /// taken literally.
    var containsPattern: String? {
        text.map { text in
            let escaped = text.lowercased().replacingOccurrences(of: "!", with: "!!")
                .replacingOccurrences(of: "%", with: "!%").replacingOccurrences(of: "_", with: "!_")
            return "%" + escaped + "%"
        }
    }

    /// The cursor of the page after `items`: the last one's id when the page is full.
    func next(after ids: [UUID]) -> String? {
        ids.count == limit ? ids.last?.uuidString : nil
    }
}
