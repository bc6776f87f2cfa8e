import Foundation

/// The development mailer: every message becomes one `.eml` file in an outbox folder, which any mail
/// client opens and any editor reads.
///
/// Names start with the UTC time to the millisecond (`20261126T210056.123Z-order-m-1001-confirmed-1a2b3c.eml`),
/// so a plain `ls` lists the outbox in the order the mail was sent.
struct FileMailer: Mailer {
    let directory: URL

    func send(_ message: EmailMessage) async throws {
        try write(message)
    }

    /// Writes the message and returns the file it went to.
    @discardableResult
    func write(_ message: EmailMessage, at date: Date = Date()) throws -> URL {
        let mime = try MIMEMessage(message, date: date)
        let name =
            "\(Self.timestampFormatter.string(from: date))-\(Self.slug(message.subject))-"
            + "\(UUID().uuidString.prefix(6).lowercased()).eml"
        let url = directory.appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            // Atomic, so a reader watching the folder never sees half a message.
            try Data(mime.bytes).write(to: url, options: .atomic)
        } catch {
            throw MailerError.unavailable("cannot write to the outbox \(directory.path): \(error.localizedDescription)")
        }
        return url
    }

    /// A short, file-name-safe version of the subject, so the outbox is readable at a glance.
    static func slug(_ subject: String) -> String {
        let folded = subject.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        var slug = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "message" : String(slug.prefix(48))
    }

    static let timestampFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        return formatter
    }()
}
