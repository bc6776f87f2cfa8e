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
    /// The address trimmed and lower-cased, if every mailer will send to it: what `EmailAddress`
    /// parses as a bare address, in ASCII (SES and SMTP servers without SMTPUTF8 take nothing else;
    /// international domains are written in their `xn--` form), within RFC 5321's lengths. An
    /// address accepted here and refused at delivery would leave an email job retrying for ever.
    static func validated(_ raw: String, field: String = "email") throws -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let invalid = InvalidField(name: field, problem: "must be an email address such as ana@example.com")
        guard email.utf8.count <= 254, email.utf8.allSatisfy({ (0x21..<0x7F).contains($0) }),
            let parsed = try? EmailAddress(parsing: email, field: field), parsed.name == nil, parsed.address == email
        else { throw invalid }
        let parts = email.split(separator: "@")
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard parts[0].utf8.count <= 64, !parts[0].hasPrefix("."), !parts[0].hasSuffix("."),
            !parts[0].contains(".."), labels.count >= 2,
            labels.allSatisfy({ label in
                (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
            })
        else { throw invalid }
        return email
    }
}
