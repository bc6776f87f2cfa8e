import Foundation
import NIOConcurrencyHelpers

/// A registered handler, with its payload decoding folded in.
typealias JobHandler = @Sendable (_ payload: String, _ context: JobContext) async throws -> Void

/// The handlers of one application, by kind. Domains register theirs at boot; the worker and
/// `runDueJobs` look them up for every job.
final class JobHandlerRegistry: Sendable {
    private let handlers = NIOLockedValueBox<[JobKind: JobHandler]>([:])

    /// Registers (or replaces) the handler for `kind`.
    func register<Payload: Decodable & Sendable>(
        _ kind: JobKind, payload: Payload.Type,
        _ body: @escaping @Sendable (_ payload: Payload, _ context: JobContext) async throws -> Void
    ) {
        let handler: JobHandler = { json, context in
            let decoded: Payload
            do {
                decoded = try Self.decoder.decode(Payload.self, from: Data(json.utf8))
            } catch {
                throw UndecodableJobPayload(kind: kind, type: "\(Payload.self)", underlying: error)
            }
            try await body(decoded, context)
        }
        handlers.withLockedValue { $0[kind] = handler }
    }

    func handler(for kind: JobKind) -> JobHandler? {
        handlers.withLockedValue { $0[kind] }
    }

    var kinds: [JobKind] {
        handlers.withLockedValue { Array($0.keys) }.sorted { $0.rawValue < $1.rawValue }
    }

    /// Matches `JSONEncoder.api`, which `JobQueue.enqueue` writes payloads with.
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// A payload that doesn't fit its handler's type. Retrying can't fix it, so the job goes straight
/// to the dead letters.
struct UndecodableJobPayload: Error, CustomStringConvertible {
    var kind: JobKind
    var type: String
    var underlying: any Error

    var description: String {
        "the payload of this '\(kind)' job does not decode as \(type): \(underlying)"
    }
}

/// A job failure that retrying won't fix: handlers throw it to skip the remaining attempts.
struct PermanentJobFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
