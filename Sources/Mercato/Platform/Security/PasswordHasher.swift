import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// bcrypt for every account kind (customers, staff), run on the thread pool: it is deliberately
/// slow and must never hold an event loop.
struct PasswordHasher {
    let cost: Int
    let threadPool: NIOThreadPool

    func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await threadPool.runIfActive { try Bcrypt.verify(password, created: hash) }
    }

    /// Checks `password` against `hash`, or, when there is no account (`hash` is nil), does the
    /// same work against a decoy and fails, so response time doesn't reveal which emails have
    /// accounts.
    func verify(_ password: String, hashOrNone hash: String?) async throws -> Bool {
        guard let hash else {
            _ = try await verify(password, hash: try await decoyHash())
            return false
        }
        return try await verify(password, hash: hash)
    }

    /// A hash of a random password at this cost (a cheaper decoy would tell accounts apart).
    private func decoyHash() async throws -> String {
        if let hash = Self.decoys.withLockedValue({ $0[cost] }) { return hash }
        // Made once per cost, off the event loops like every other bcrypt; a race makes two, harmlessly.
        let made = try await self.hash(SecretToken.generate())
        Self.decoys.withLockedValue { $0[cost] = made }
        return made
    }

    private static let decoys = NIOLockedValueBox<[Int: String]>([:])
}
