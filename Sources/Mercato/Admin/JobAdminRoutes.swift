import Fluent
import Foundation
import Vapor

/// Admin API over the queue, so operators can see and retry dead letters:
/// `GET /api/v1/admin/jobs?status=…&limit=…` and `POST /api/v1/admin/jobs/:id/retry`.
struct JobAdminRoutes: RouteCollection {
    static let defaultLimit = 50
    static let maximumLimit = 500

    func boot(routes: any RoutesBuilder) throws {
        let jobs = routes.grouped("api", "v1", "admin", "jobs")
        jobs.admin(.GET, access: .permission(.jobsRead), use: list)
        jobs.admin(.POST, ":id", "retry", access: .permission(.jobsWrite), use: retry)
    }

    func list(req: Request) async throws -> Response {
        let status = try Self.status(from: req.query[String.self, at: "status"])
        let limit = try Self.limit(from: req.query[String.self, at: "limit"])
        let jobs = try await JobQueue.list(status: status, limit: limit, on: req.db)
        return try Self.json(JobDTO.List(jobs: jobs.map { $0.toDTO() }))
    }

    func retry(req: Request) async throws -> Response {
        let raw = try req.parameters.require("id")
        guard let id = UUID(uuidString: raw) else {
            throw InvalidParameter(name: "id", problem: "'\(raw)' is not a job id (a UUID)")
        }
        let job = try await JobQueue.retry(id, on: req.db)
        req.logger.notice("dead job sent back to the queue by an operator", metadata: ["job-id": .string(raw)])
        return try Self.json(job.toDTO())
    }

    /// `dead` when absent: the list operators come here for. Present but empty (`?status=`) is an
    /// error, as for every other query parameter of the API and as the OpenAPI document says.
    static func status(from raw: String?) throws -> JobStatus {
        guard let raw else { return .dead }
        guard let status = JobStatus(rawValue: raw) else {
            let known = JobStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw InvalidParameter(name: "status", problem: "'\(raw)' is not one of \(known)")
        }
        return status
    }

    static func limit(from raw: String?) throws -> Int {
        guard let raw else { return defaultLimit }
        guard let limit = Int(raw), (1...maximumLimit).contains(limit) else {
            throw InvalidParameter(name: "limit", problem: "must be a whole number from 1 to \(maximumLimit)")
        }
        return limit
    }

    /// Admin views must never be cached: they change with every job that runs.
    private static func json(_ value: some Encodable) throws -> Response {
        let response = Response(status: .ok, body: .init(data: try JSONEncoder.api.encode(value)))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
