import Foundation

/// A mailbox as written in a header: an optional display name and the address itself.
struct EmailAddress: Sendable, Hashable {
    /// `Ada Lovelace`, or `nil` for a bare address.
    var name: String?
    /// `ada@example.com`: what goes in the SMTP envelope.
    var address: String

    /// Parses `ada@example.com` or `Ada Lovelace <ada@example.com>` (the name may be quoted).
    ///
    /// - Parameter field: The header the value is for, named in the error.
    /// - Throws: ``MailerError/invalidMessage(_:)`` for anything else, including line breaks, which
    ///   would let a value add headers of its own.
    init(parsing text: String, field: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let invalid = MailerError.invalidMessage("\(field) '\(text)' is not an email address")
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw MailerError.invalidMessage("\(field) must not contain line breaks or control characters")
        }
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            self.name = name.isEmpty ? nil : name
            self.address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        } else {
            self.name = nil
            self.address = trimmed
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."),
            !address.unicodeScalars.contains(where: { $0.value <= 0x20 || "<>()[],;:\\\"".unicodeScalars.contains($0) })
        else { throw invalid }
    }

    /// The domain part, used for `Message-ID`s.
    var domain: String { String(address.split(separator: "@").last ?? "localhost") }
}
