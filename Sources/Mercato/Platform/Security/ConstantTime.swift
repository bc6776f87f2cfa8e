import Crypto
import Foundation

/// Secret comparisons whose timing says nothing about how much matched: tokens, CSRF values,
/// webhook signatures.
enum ConstantTime {
    /// Compares the SHA-256 digests, so even a length difference takes the same time.
    static func equals(_ lhs: String, _ rhs: String) -> Bool {
        let left = SHA256.hash(data: Data(lhs.utf8))
        let right = SHA256.hash(data: Data(rhs.utf8))
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Sequence<UInt8> {
    /// Lower-case hexadecimal, two digits per byte. Written digit by digit: `String(format:)` per
    /// byte made hashing a token a few percent of a checkout's time.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
