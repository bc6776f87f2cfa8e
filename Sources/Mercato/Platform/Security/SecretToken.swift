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
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two hashes without an early exit, so timing says nothing about how much matched.
    static func matches(_ token: String, hash expected: String) -> Bool {
        let actual = Array(hash(token).utf8)
        let expected = Array(expected.utf8)
        guard actual.count == expected.count else { return false }
        return zip(actual, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
