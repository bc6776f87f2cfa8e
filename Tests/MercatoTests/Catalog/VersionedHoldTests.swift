import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import Mercato

@Suite struct VersionedHoldTests {
    /// A load that doesn't finish until released.
    final class Gate: Sendable {
        private let waiting = NIOLockedValueBox<[CheckedContinuation<Void, Never>]>([])
        private let opened = NIOLockedValueBox(false)

        func wait() async {
            await withCheckedContinuation { continuation in
                let resumeNow = opened.withLockedValue { opened in
                    if !opened { waiting.withLockedValue { $0.append(continuation) } }
                    return opened
                }
                if resumeNow { continuation.resume() }
            }
        }

        func open() {
            opened.withLockedValue { $0 = true }
            for continuation in waiting.withLockedValue({ $0 }) { continuation.resume() }
        }
    }

    @Test func aSlowLoadOfANewVersionIsAnsweredWithTheOlderValueUntilItLands() async throws {
        // setup: version 1 held; version 2's load doesn't finish until the gate opens
        let hold = VersionedHold<Int, String>(maxAge: .seconds(60), patience: .milliseconds(50))
        _ = try await hold.value(for: 1) { "one" }
        let gate = Gate()
        let loads = NIOLockedValueBox(0)
        let slowTwo: @Sendable () async throws -> String = {
            loads.withLockedValue { $0 += 1 }
            await gate.wait()
            return "two"
        }
        // act: two requests for version 2 while its load is held back
        let first = try await hold.answer(for: 2, load: slowTwo)
        let second = try await hold.answer(for: 2, load: slowTwo)
        // verify: both answered from version 1 within the patience, marked older, one load between them
        #expect(first.value == "one" && !first.isCurrent)
        #expect(second.value == "one" && !second.isCurrent)
        #expect(loads.withLockedValue { $0 } == 1)
        // act: the load lands, though nobody waits on it any more
        gate.open()
        var landed = try await hold.answer(for: 2, load: slowTwo)
        for _ in 0..<200 where !landed.isCurrent {
            try await Task.sleep(for: .milliseconds(10))
            landed = try await hold.answer(for: 2, load: slowTwo)
        }
        // verify: version 2 answers now, current, without another load
        #expect(landed.value == "two" && landed.isCurrent)
        #expect(loads.withLockedValue { $0 } == 1)
    }

    @Test func withNothingHeldEveryRequestWaitsForTheLoad() async throws {
        // setup: patience far shorter than the load
        let hold = VersionedHold<Int, String>(maxAge: .seconds(60), patience: .milliseconds(1))
        // act
        let answer = try await hold.answer(for: 1) {
            try await Task.sleep(for: .milliseconds(50))
            return "one"
        }
        // verify: there was nothing older to answer with, so the request waited
        #expect(answer.value == "one" && answer.isCurrent)
    }

    @Test func withoutPatienceARequestWaitsForTheNewVersion() async throws {
        // setup
        let hold = VersionedHold<Int, String>(maxAge: .seconds(60))
        _ = try await hold.value(for: 1) { "one" }
        // act
        let answer = try await hold.answer(for: 2) {
            try await Task.sleep(for: .milliseconds(50))
            return "two"
        }
        // verify
        #expect(answer.value == "two" && answer.isCurrent)
    }

    @Test func anOlderVersionsLoadLandingLateDoesNotReplaceANewerOne() async throws {
        // setup: version 2's load is held back, then version 3 loads and lands
        let hold = VersionedHold<Int, String>(maxAge: .seconds(60), patience: .milliseconds(20))
        _ = try await hold.value(for: 1) { "one" }
        let gate = Gate()
        _ = try await hold.answer(for: 2) {
            await gate.wait()
            return "two"
        }
        let three = try await hold.answer(for: 3) { "three" }
        // act: version 2's load lands after version 3's
        gate.open()
        try await Task.sleep(for: .milliseconds(50))
        // verify: version 3 is still held (a request for it loads nothing)
        let again = try await hold.answer(for: 3) { "reloaded" }
        #expect(three.value == "three" && three.isCurrent)
        #expect(again.value == "three" && again.isCurrent)
    }

    @Test func aFailedLoadIsRetriedByTheNextRequest() async throws {
        // setup
        struct Unavailable: Error {}
        let hold = VersionedHold<Int, String>(maxAge: .seconds(60), patience: .milliseconds(50))
        // act / verify: the failure reaches the caller; the next request loads again and succeeds
        await #expect(throws: Unavailable.self) { try await hold.value(for: 1) { throw Unavailable() } }
        #expect(try await hold.value(for: 1) { "one" } == "one")
    }
}
