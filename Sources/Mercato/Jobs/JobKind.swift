/// What a job does: the name its handler is registered under. Domains add their own constants:
///
///     extension JobKind {
///         static let sendOrderConfirmation = JobKind("orders.send_confirmation")
///     }
///
/// The raw value is stored in the `jobs` table, so a kind's name must never change once jobs of it
/// may be queued.
struct JobKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    let rawValue: String

    init(rawValue: String) {
        self.rawValue = rawValue
    }

    init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    var description: String { rawValue }
}

/// Where a job is in its life. `dead` jobs wait for an operator (`mercato jobs retry`).
enum JobStatus: String, CaseIterable, Codable, Sendable {
    case queued, running, succeeded, dead
}
