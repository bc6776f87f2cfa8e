/// Human-readable order numbers: `M-` and two groups of four Crockford base-32 characters
/// (no I, L, O or U), about 10¹² possibilities, so numbers can't be guessed in sequence.
enum OrderNumber {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return "M-\(String(characters[0..<4]))-\(String(characters[4..<8]))"
    }
}
