import Vapor

/// An amount of money in integer minor units (cents) with its ISO 4217 currency. Never floating point.
struct Money: Content, Hashable, Sendable {
    /// The largest amount any money field accepts: 1,000,000,000.00 in a two-decimal currency.
    /// With quantities of at most 99 and a bounded number of lines, no sum of such amounts comes
    /// near `Int64.max`, and pricing checks every step anyway.
    static let maximumAmount: Int64 = 100_000_000_000

    /// Refuses an amount outside 0…`maximumAmount` with a 400 naming `field`.
    static func checkAmount(_ amount: Int64, field: String) throws {
        guard amount >= 0 else { throw InvalidField(name: field, problem: "must not be negative") }
        guard amount <= maximumAmount else {
            throw InvalidField(name: field, problem: "is out of range (at most \(maximumAmount) minor units)")
        }
    }

    var amount: Int64
    var currency: String
    /// Display text such as `€1,299.00`, for templates and clients that don't format themselves.
    var formatted: String

    init(amount: Int64, currency: String) {
        self.amount = amount
        self.currency = currency
        self.formatted = Self.format(amount: amount, currency: currency)
    }

    /// Currencies whose minor unit isn't cents.
    private static let minorDigits: [String: Int] = ["JPY": 0, "KRW": 0, "ISK": 0, "BHD": 3, "KWD": 3, "JOD": 3]
    private static let symbols: [String: String] = ["EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF "]

    static func format(amount: Int64, currency: String) -> String {
        let digits = minorDigits[currency] ?? 2
        let divisor = Int64((0..<digits).reduce(1) { value, _ in value * 10 })
        let sign = amount < 0 ? "-" : ""
        let magnitude = amount.magnitude
        let major = String(magnitude / UInt64(divisor))
        var grouped = ""
        for (index, character) in major.enumerated() {
            if index > 0, (major.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        let fraction = String(magnitude % UInt64(divisor))
        let minor = digits == 0 ? "" : "." + String(repeating: "0", count: digits - fraction.count) + fraction
        return "\(sign)\(symbols[currency] ?? currency + " ")\(grouped)\(minor)"
    }
}

/// An ISO 4217 currency code as a client sends it.
enum CurrencyCode {
    /// The code upper-cased, or a 400 naming `field`.
    static func validated(_ raw: String, field: String = "currency") throws -> String {
        let code = raw.uppercased()
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw InvalidField(name: field, problem: "must be a three-letter ISO currency code such as EUR")
        }
        return code
    }
}
