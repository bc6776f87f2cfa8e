import RedisClient
import Testing

@Suite("Redis cluster hash slots")
struct RedisHashSlotTests {
    @Test("slots match the values Redis documents and computes (CRC16/XMODEM mod 16384)")
    func knownSlots() {
        // "123456789" is CRC-16/XMODEM's check string: 0x31C3 = 12739.
        #expect(RedisHashSlot.slot(of: "123456789") == 12739)
        #expect(RedisHashSlot.slot(of: "foo") == 12182)
        #expect(RedisHashSlot.slot(of: "bar") == 5061)
        #expect(RedisHashSlot.slot(of: "") == 0)
    }

    @Test("a hash tag decides the slot; empty or unclosed braces hash the whole key")
    func hashTags() {
        let user = RedisHashSlot.slot(of: "user1000")
        #expect(RedisHashSlot.slot(of: "{user1000}.following") == user)
        #expect(RedisHashSlot.slot(of: "{user1000}.followers") == user)
        // Only the first "{" counts, up to the first "}" after it.
        #expect(RedisHashSlot.slot(of: "foo{{bar}}zap") == RedisHashSlot.slot(of: "{bar"))
        #expect(RedisHashSlot.slot(of: "foo{bar}{zap}") == RedisHashSlot.slot(of: "bar"))
        // "{}" is not a tag: the whole key is hashed.
        #expect(RedisHashSlot.slot(of: "foo{}{bar}") != RedisHashSlot.slot(of: "bar"))
        #expect(RedisHashSlot.slot(of: "foo{}{bar}") == RedisHashSlot.slot(of: Array("foo{}{bar}".utf8)))
        #expect(RedisHashSlot.slot(of: "no{close") == RedisHashSlot.slot(of: Array("no{close".utf8)))
    }
}
