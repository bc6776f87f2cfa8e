/// Which of Redis Cluster's 16384 hash slots a key belongs to: CRC16 (XMODEM) of the key, or of
/// its hash tag, modulo 16384 — the same function every cluster node uses to refuse keys it does
/// not own.
///
/// A hash tag is the text between the first `{` and the first `}` after it, when that text is not
/// empty: `{cart:42}:items` and `{cart:42}:total` share a slot, so multi-key commands on them work.
public enum RedisHashSlot {
    /// The number of slots in every Redis cluster.
    public static let count = 16384

    /// The slot of `key`.
    public static func slot(of key: some Collection<UInt8>) -> Int {
        let bytes = Array(key)
        return Int(crc16(hashedPart(of: bytes)) % UInt16(count))
    }

    /// The slot of `key`'s UTF-8 bytes.
    public static func slot(of key: String) -> Int {
        slot(of: Array(key.utf8))
    }

    private static func hashedPart(of key: [UInt8]) -> ArraySlice<UInt8> {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")),
            let close = key[(open + 1)...].firstIndex(of: UInt8(ascii: "}")),
            close > open + 1
        else { return key[...] }
        return key[(open + 1)..<close]
    }

    /// CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection; computed bit by bit
    /// because keys are short and a 512-byte table would buy nothing measurable here.
    static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 {
                crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
            }
        }
        return crc
    }
}
