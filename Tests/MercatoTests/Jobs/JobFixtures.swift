import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import Mercato

/// Test-only job kinds and helpers: the queue is exercised through kinds registered by the tests,
/// never through another domain's handlers.
enum JobFixtures {
    struct Echo: Codable, Sendable, Equatable {
        var message: String
    }

    /// What handlers saw, in order, across tasks and applications.
    actor Recorder {
        private(set) var runs: [(jobID: UUID, attempt: Int, message: String)] = []

        func record(_ jobID: UUID, attempt: Int, message: String) {
            runs.append((jobID, attempt, message))
        }

        var jobIDs: [UUID] { runs.map(\.jobID) }
        var attempts: [Int] { runs.map(\.attempt) }
    }

    struct HandlerFailed: Error, CustomStringConvertible {
        var description: String { "the test handler always fails" }
    }

    /// Runs `body` against a freshly migrated app on `backend` (PostgreSQL: the suite's own database).
    static func withQueue(
        on backend: DatabaseBackend, suite: String = #fileID, settings adjust: (inout Settings) -> Void = { _ in },
        _ body: (Application) async throws -> Void
    ) async throws {
        var settings = try await backend.settings(suite: suite)
        adjust(&settings)
        try await TestSupport.withApp(settings, migrate: false) { app in
            try await app.autoRevert()
            try await app.autoMigrate()
            try await TestSupport.grantOwnerKey(on: app.db)
            try await body(app)
        }
    }

    static func job(_ id: UUID, in app: Application) async throws -> JobRecord {
        try #require(try await JobQueue.find(id, on: app.db))
    }

    static func count(in app: Application) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM jobs").first()?.decode(column: "n", as: Int.self) ?? -1
    }

    /// Makes a queued job due now, as if its backoff had elapsed.
    static func makeDue(_ id: UUID, in app: Application) async throws {
        try await app.db.sql.raw("UPDATE jobs SET run_at = \(bind: Date()) WHERE id = \(bind: id)").run()
    }
}

extension JobKind {
    static let testEcho = JobKind("test.echo")
    static let testAlwaysFails = JobKind("test.always_fails")
}

extension JobFixtures {
    /// Reads the API's ISO 8601 dates.
    static let apiDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
