import Fluent
import Foundation
import NIOCore
import SQLKit
import Testing
import Vapor
import VaporTestUtils
import VaporTesting

@testable import Mercato

/// Operators list and retry dead letters through the Admin API; bad tokens and bad input change
/// nothing and get the documented error.
@Suite(.serialized) struct JobAdminAPITests {
    static let auth: HTTPHeaders = ["Authorization": "Bearer mk_test-owner-key"]

    private func post(_ app: Application, _ path: String, headers: HTTPHeaders = auth) async throws
        -> TestingHTTPResponse
    {
        var result: TestingHTTPResponse?
        try await app.testing().test(.POST, path, headers: headers) { result = $0 }
        return try #require(result)
    }

    /// One dead job (failed its only attempt) and one queued for later.
    private func withDeadAndQueuedJobs(_ body: (Application, UUID, UUID) async throws -> Void) async throws {
        try await JobFixtures.withQueue(on: .sqlite) { app in
            app.jobs.register(.testAlwaysFails, payload: JobFixtures.Echo.self) { _, _ in
                throw JobFixtures.HandlerFailed()
            }
            let dead = try await JobQueue.enqueue(
                .testAlwaysFails, payload: JobFixtures.Echo(message: "d"), maxAttempts: 1, on: app.db)
            try await app.jobs.runDueJobs()
            let queued = try await JobQueue.enqueue(
                .testEcho, payload: JobFixtures.Echo(message: "q"), runAt: Date().addingTimeInterval(3_600),
                on: app.db)
            try await body(app, dead, queued)
        }
    }

    @Test func deadLettersAreListedAndARetryQueuesThemAgain() async throws {
        try await withDeadAndQueuedJobs { app, dead, queued in
            var spec = try await OpenAPISpec.fetch(from: app)
            // MUT: list (dead by default, as documented)
            let listing = try await app.get("/api/v1/admin/jobs", headers: Self.auth)
            let body = try spec.check(listing, path: "/api/v1/admin/jobs")
            // validate
            #expect(listing.status == .ok)
            #expect(listing.headers.first(name: .cacheControl) == "no-store")
            #expect(body?["jobs"]?.array?.compactMap { $0["id"]?.string } == [dead.uuidString])
            #expect(body?["jobs"]?.array?.first?["lastError"]?.string?.contains("always fails") == true)
            let queuedListing = try await app.get("/api/v1/admin/jobs?status=queued&limit=10", headers: Self.auth)
            let queuedBody = try spec.check(queuedListing, path: "/api/v1/admin/jobs")
            #expect(queuedBody?["jobs"]?.array?.compactMap { $0["id"]?.string } == [queued.uuidString])

            // MUT: retry the dead one
            let retried = try await post(app, "/api/v1/admin/jobs/\(dead.uuidString.lowercased())/retry")
            let retriedBody = try spec.check(retried, method: "POST", path: "/api/v1/admin/jobs/\(dead)/retry")
            // validate: queued, due now, fresh attempts; and it is no longer a dead letter
            #expect(retried.status == .ok)
            #expect(retriedBody?["status"]?.string == "queued")
            #expect(retriedBody?["attempts"]?.integer == 0)
            let job = try await JobFixtures.job(dead, in: app)
            #expect(job.status == .queued && job.attempts == 0 && job.runAt <= Date())
            let afterRetry = try await app.get("/api/v1/admin/jobs?status=dead", headers: Self.auth)
            let deadAfterRetry = try spec.check(afterRetry, path: "/api/v1/admin/jobs")
            #expect(deadAfterRetry?["jobs"]?.array?.isEmpty == true)
        }
    }

    @Test func retryingAnythingButADeadJobIsRefusedAndChangesNothing() async throws {
        try await withDeadAndQueuedJobs { app, _, queued in
            var spec = try await OpenAPISpec.fetch(from: app)
            let before = try await JobFixtures.job(queued, in: app)
            // MUT / validate: a queued job is a conflict
            let conflict = try await post(app, "/api/v1/admin/jobs/\(queued)/retry")
            let conflictBody = try spec.check(conflict, method: "POST", path: "/api/v1/admin/jobs/\(queued)/retry")
            #expect(conflict.status == .conflict)
            #expect(conflictBody?["error"]?["code"]?.string == "job_not_dead")
            let after = try await JobFixtures.job(queued, in: app)
            #expect(after == before)
            // an unknown id is a 404, a malformed one a 400
            let unknown = UUID()
            let missing = try await post(app, "/api/v1/admin/jobs/\(unknown)/retry")
            let missingBody = try spec.check(missing, method: "POST", path: "/api/v1/admin/jobs/\(unknown)/retry")
            #expect(missing.status == .notFound)
            #expect(missingBody?["error"]?["code"]?.string == "not_found")
            let malformed = try await post(app, "/api/v1/admin/jobs/not-a-uuid/retry")
            let malformedBody = try spec.check(malformed, method: "POST", path: "/api/v1/admin/jobs/not-a-uuid/retry")
            #expect(malformed.status == .badRequest)
            #expect(malformedBody?["error"]?["code"]?.string == "invalid_parameter")
            #expect(malformedBody?["error"]?["message"]?.string?.hasPrefix("id:") == true)
        }
    }

    @Test func badQueryParametersAreRefusedNamingTheParameter() async throws {
        try await withDeadAndQueuedJobs { app, _, _ in
            var spec = try await OpenAPISpec.fetch(from: app)
            for (query, name) in [
                ("status=zombie", "status"), ("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"),
                ("limit=1.5", "limit"),
            ] {
                let response = try await app.get("/api/v1/admin/jobs?\(query)", headers: Self.auth)
                let body = try spec.check(response, path: "/api/v1/admin/jobs")
                #expect(response.status == .badRequest, "\(query)")
                #expect(body?["error"]?["code"]?.string == "invalid_parameter", "\(query)")
                #expect(body?["error"]?["message"]?.string?.hasPrefix("\(name):") == true, "\(query)")
            }
            for limit in ["1", "500"] {
                let response = try await app.get("/api/v1/admin/jobs?limit=\(limit)", headers: Self.auth)
                #expect(response.status == .ok, "limit=\(limit)")
            }
        }
    }

    @Test func withoutTheAdminTokenNothingIsShownOrRetried() async throws {
        try await withDeadAndQueuedJobs { app, dead, _ in
            var spec = try await OpenAPISpec.fetch(from: app)
            for headers: HTTPHeaders in [[:], ["Authorization": "Bearer wrong-token"]] {
                let listing = try await app.get("/api/v1/admin/jobs", headers: headers)
                let body = try spec.check(listing, path: "/api/v1/admin/jobs")
                #expect(listing.status == .unauthorized)
                #expect(body?["error"]?["code"]?.string == "unauthorized")
                #expect(body?["jobs"] == nil)
                let retry = try await post(app, "/api/v1/admin/jobs/\(dead)/retry", headers: headers)
                try spec.check(retry, method: "POST", path: "/api/v1/admin/jobs/\(dead)/retry")
                #expect(retry.status == .unauthorized)
            }
            let job = try await JobFixtures.job(dead, in: app)
            #expect(job.status == .dead)
        }
    }
}
