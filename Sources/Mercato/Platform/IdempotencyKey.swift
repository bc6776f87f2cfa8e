import Vapor

extension Request {
    /// The most characters an `Idempotency-Key` may have.
    static let maximumIdempotencyKey = 200

    /// The request's `Idempotency-Key`, if it sent one: 1 to 200 printable ASCII characters, or a
    /// 400 naming the header.
    func idempotencyKey() throws -> String? {
        guard let key = headers.first(name: "Idempotency-Key") else { return nil }
        guard !key.isEmpty, key.count <= Self.maximumIdempotencyKey,
            key.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
        else {
            throw InvalidParameter(
                name: "Idempotency-Key", problem: "must be 1–\(Self.maximumIdempotencyKey) printable ASCII characters")
        }
        return key
    }
}
