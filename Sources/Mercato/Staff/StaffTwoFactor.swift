import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// The optional second factor for staff: time-based one-time passwords (RFC 6238: HMAC-SHA1,
/// 30-second steps, 6 digits, as every authenticator app expects) and single-use recovery codes.
struct StaffTwoFactor {
    let db: any Database
    var now: Date = Date()
    /// Shown by the authenticator app next to the account.
    var issuer = "Mercato"

    static let recoveryCodeCount = 10

    /// Starts enrolment: a new secret, not yet required at sign-in. Starting again replaces an
    /// unconfirmed secret; a confirmed one must be turned off first.
    func begin(for member: StaffMember) async throws -> StaffTOTPEnrolment {
        guard member.totpConfirmedAt == nil else { throw StaffError.totpAlreadyEnabled }
        var generator = SystemRandomNumberGenerator()
        let secret = TOTP.base32((0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        member.totpSecret = secret
        member.totpLastStep = nil
        member.updatedAt = now
        try await member.update(on: db)
        let label = "\(issuer):\(member.email)".addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""
        let issuerQuery = issuer.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
        return StaffTOTPEnrolment(
            secret: secret,
            otpauthURL: "otpauth://totp/\(label)?secret=\(secret)&issuer=\(issuerQuery)&digits=6&period=30")
    }

    /// Finishes enrolment with a first code from the app; returns the recovery codes, shown once.
    func confirm(_ code: String, for member: StaffMember) async throws -> [String] {
        guard member.totpConfirmedAt == nil else { throw StaffError.totpAlreadyEnabled }
        guard member.totpSecret != nil else { throw StaffError.totpNotStarted }
        guard try await acceptsTimeCode(code, for: member) else { throw StaffError.invalidCode }
        let codes = (0..<Self.recoveryCodeCount).map { _ in Self.newRecoveryCode() }
        try await db.transaction { tx in
            try await StaffRecoveryCode.query(on: tx).filter(\.$staffID == member.requireID()).delete()
            for code in codes {
                let stored = StaffRecoveryCode()
                stored.id = UUID()
                stored.staffID = try member.requireID()
                stored.codeHash = SecretToken.hash(Self.normalised(code))
                try await stored.create(on: tx)
            }
            member.totpConfirmedAt = now
            member.updatedAt = now
            try await member.update(on: tx)
        }
        return codes
    }

    /// Turns the second factor off, with a current code or a recovery code.
    func disable(with code: String, for member: StaffMember) async throws {
        guard member.totpConfirmedAt != nil else { throw StaffError.totpNotStarted }
        guard try await accepts(code, for: member) else { throw StaffError.invalidCode }
        try await db.transaction { tx in
            try await StaffRecoveryCode.query(on: tx).filter(\.$staffID == member.requireID()).delete()
            member.totpSecret = nil
            member.totpConfirmedAt = nil
            member.totpLastStep = nil
            member.updatedAt = now
            try await member.update(on: tx)
        }
    }

    /// Whether `code` is a current authenticator code or an unused recovery code; either is spent.
    func accepts(_ code: String, for member: StaffMember) async throws -> Bool {
        let digits = code.filter { !$0.isWhitespace }
        if digits.count == TOTP.digits, digits.allSatisfy { $0.isASCII && $0.isNumber } {
            return try await acceptsTimeCode(digits, for: member)
        }
        let normalised = Self.normalised(code)
        guard normalised.count == 10 else { return false }
        let spent = try await db.sql.raw(
            """
            UPDATE staff_recovery_codes SET used_at = \(bind: now)
            WHERE staff_id = \(bind: try member.requireID()) AND code_hash = \(bind: SecretToken.hash(normalised))
            AND used_at IS NULL RETURNING id
            """
        ).first()
        return spent != nil
    }

    /// A code of the current step or either neighbour (clocks drift), newer than the last one
    /// used; the step is recorded by a conditional update, so a code works once.
    private func acceptsTimeCode(_ code: String, for member: StaffMember) async throws -> Bool {
        guard let encoded = member.totpSecret, let secret = TOTP.decodeBase32(encoded) else { return false }
        let current = TOTP.step(at: now)
        let matching = (current - 1...current + 1).first {
            ConstantTime.equals(TOTP.code(secret: secret, step: $0), code)
        }
        guard let step = matching, step > (member.totpLastStep ?? .min) else { return false }
        let recorded = try await db.sql.raw(
            """
            UPDATE staff_members SET totp_last_step = \(bind: step)
            WHERE id = \(bind: try member.requireID()) AND (totp_last_step IS NULL OR totp_last_step < \(bind: step))
            RETURNING id
            """
        ).first()
        if recorded != nil { member.totpLastStep = step }
        return recorded != nil
    }

    /// Ten characters from an alphabet without look-alikes, shown as `xxxxx-xxxxx`.
    private static func newRecoveryCode() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return String(characters[0..<5]) + "-" + String(characters[5...])
    }

    private static func normalised(_ code: String) -> String {
        String(code.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(20))
    }
}

/// What an authenticator app needs: the secret, also as the `otpauth://` URL a QR code carries.
struct StaffTOTPEnrolment: Content, Equatable {
    var secret: String
    var otpauthURL: String
}

/// RFC 6238 time-based one-time passwords over RFC 4226 HOTP, with RFC 4648 base32 secrets.
enum TOTP {
    static let digits = 6
    static let period: TimeInterval = 30

    static func step(at date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / period).rounded(.down)) }

    /// The 6-digit code of `step` for `secret`.
    static func code(secret: [UInt8], step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let truncated =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        let value = truncated % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: digits - text.count) + text
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Base32 without padding, as authenticator apps take secrets.
    static func base32(_ bytes: [UInt8]) -> String {
        var output = [UInt8]()
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of a base32 secret (any case, padding ignored), or nil if it isn't base32.
    static func decodeBase32(_ text: String) -> [UInt8]? {
        var output = [UInt8]()
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased().utf8 where character != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return output
    }
}
