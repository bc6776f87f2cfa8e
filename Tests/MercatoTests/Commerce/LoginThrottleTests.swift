import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import Mercato

/// Failed sign-ins slow an account down, doubling, but never lock it.
@Suite struct LoginThrottleTests {
    /// A clock the test moves.
    final class Clock: Sendable {
        private let seconds = NIOLockedValueBox(1_800_000_000.0)
        var date: Date { Date(timeIntervalSince1970: seconds.withLockedValue { $0 }) }
        func advance(_ by: Double) { seconds.withLockedValue { $0 += by } }
    }

    private func throttle(_ clock: Clock) throws -> LoginThrottle {
        var settings = try TestSupport.settings().checkout
        settings.loginAttemptsPerAccount = 3
        settings.loginFirstDelaySeconds = 1
        settings.loginMaximumDelaySeconds = 8
        settings.loginAttemptsPerAddress = 1_000
        return LoginThrottle(cache: MemoryCache(), settings: settings, now: { clock.date })
    }

    /// The wait `check` asks for, or nil when the attempt may go ahead.
    private func wait(_ throttle: LoginThrottle, from address: String = "192.0.2.1") async throws -> Int? {
        do {
            try await throttle.check(email: "ana@example.com", address: address)
            return nil
        } catch CustomerError.tooManyAttempts(let seconds) {
            return seconds
        }
    }

    @Test func theWaitDoublesUpToItsCapAndIsNeverALockout() async throws {
        // setup
        let clock = Clock()
        let throttle = try throttle(clock)
        var waits: [Int?] = []
        // act: an attacker guessing as fast as the shop lets it
        for _ in 0..<8 {
            waits.append(try await wait(throttle))
            if let seconds = waits.last ?? nil { clock.advance(Double(seconds)) }
            try await throttle.recordFailure(email: "ana@example.com", address: "192.0.2.1")
        }
        let customer = try await wait(throttle, from: "198.51.100.7")
        // verify: three free tries, then 1, 2, 4, 8, 8 seconds; the customer waits 8 s at most
        #expect(waits == [nil, nil, nil, 1, 2, 4, 8, 8])
        #expect(customer == 8)
        clock.advance(8)
        #expect(try await wait(throttle, from: "198.51.100.7") == nil)
    }

    @Test func signingInClearsTheDelay() async throws {
        let clock = Clock()
        let throttle = try throttle(clock)
        for _ in 0..<4 { try await throttle.recordFailure(email: "ana@example.com", address: "192.0.2.1") }
        #expect(try await wait(throttle) == 2)
        clock.advance(2)
        try await throttle.recordSuccess(email: "ana@example.com")
        try await throttle.recordFailure(email: "ana@example.com", address: "192.0.2.1")
        #expect(try await wait(throttle) == nil, "one failure after a success starts the count again")
    }
}
