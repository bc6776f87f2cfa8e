import Crypto
import Foundation
import Testing

@testable import Mercato

@Suite struct HexStringTests {
    @Test func bytesAreWrittenAsTwoLowerCaseDigitsEach() {
        // act / verify: the edges of a byte, and a digest as stored token hashes are written
        #expect([UInt8]([0x00, 0x0F, 0xF0, 0xFF, 0x5A]).hexString == "000ff0ff5a")
        #expect([UInt8]().hexString.isEmpty)
        #expect(
            SHA256.hash(data: Data("abc".utf8)).hexString
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
