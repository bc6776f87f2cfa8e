import Foundation
import Vapor

/// A delivery address as a customer enters it, validated field by field.
struct PostalAddress: Content, Equatable, Sendable {
    var name: String
    var line1: String
    var line2: String?
    var city: String
    var postalCode: String
    /// ISO 3166-1 alpha-2, upper-cased on validation.
    var country: String
    /// A subdivision code (`CA`, `BY`), used for regional tax and shipping zones.
    var region: String?

    /// The address trimmed and normalised, or an error naming the first bad field.
    func validated(field prefix: String = "shippingAddress") throws -> PostalAddress {
        func text(_ value: String, _ name: String, required: Bool = true, limit: Int = 200) throws -> String {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if required && trimmed.isEmpty { throw InvalidField(name: "\(prefix).\(name)", problem: "is required") }
            guard trimmed.count <= limit else {
                throw InvalidField(name: "\(prefix).\(name)", problem: "must be at most \(limit) characters")
            }
            return trimmed
        }
        var result = self
        result.name = try text(name, "name")
        result.line1 = try text(line1, "line1")
        result.line2 = try line2.map { try text($0, "line2", required: false) }.flatMap { $0.isEmpty ? nil : $0 }
        result.city = try text(city, "city")
        result.postalCode = try text(postalCode, "postalCode", limit: 20)
        let country = country.trimmingCharacters(in: .whitespaces).uppercased()
        guard country.count == 2, country.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw InvalidField(name: "\(prefix).country", problem: "must be a two-letter ISO country code such as DE")
        }
        result.country = country
        result.region = try region.map { try text($0, "region", required: false, limit: 10).uppercased() }
            .flatMap { $0.isEmpty ? nil : $0 }
        return result
    }

    /// The address as printed on a label.
    var lines: [String] {
        [name, line1, line2, "\(postalCode) \(city)", [region, country].compactMap { $0 }.joined(separator: " ")]
            .compactMap { $0 }
    }
}

/// An email address as a customer or staff member enters it.
enum CustomerEmail {
    /// A plausible address, trimmed and lower-cased; the mailbox itself is checked by mail delivery.
    static func validated(_ raw: String, field: String = "email") throws -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !email.contains(where: \.isWhitespace)
        else { throw InvalidField(name: field, problem: "must be an email address such as ana@example.com") }
        return email
    }
}
