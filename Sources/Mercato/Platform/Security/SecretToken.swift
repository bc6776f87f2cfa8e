import Crypto
import Foundation

/// Unguessable bearer secrets (session, cart, order and reset tokens). Only the SHA-256 hash is
/// stored, so the database never holds a usable token.
enum SecretToken {
    /// 32 random bytes, base64url without padding: safe in cookies, headers and URLs.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexString
    }

    /// Whether `token` is the one whose hash is stored, compared in constant time.
    static func matches(_ token: String, hash expected: String) -> Bool {
        ConstantTime.equals(hash(token), expected)
    }
}
