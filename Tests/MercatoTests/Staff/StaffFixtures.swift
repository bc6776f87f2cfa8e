import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Staff to sign in as, and Admin API calls that return the decoded body.
enum StaffFixtures {
    static let password = "staff password 123"

    /// A member created from the command line's path, with `password`, signed in: their bearer token.
    @discardableResult
    static func member(_ app: Application, email: String, role: String) async throws -> String {
        _ = try await app.staff.create(
            email: email, name: email.split(separator: "@")[0].capitalized, role: role, password: password)
        return try await signIn(app, email: email)
    }

    static func signIn(_ app: Application, email: String, password: String = password, code: String? = nil) async throws
        -> String
    {
        var body: [String: Any] = ["email": email, "password": password]
        if let code { body["code"] = code }
        let (status, json) = try await call(app, .POST, "/api/v1/admin/sessions", json: body)
        try #require(status == .ok, "sign-in as \(email): \(status) \(json)")
        return try #require(json["token"] as? String)
    }

    /// Calls the Admin API with `token` as the bearer; the status and the JSON body (empty if none).
    static func call(
        _ app: Application, _ method: HTTPMethod, _ path: String, token: String? = nil, json body: [String: Any]? = nil,
        headers extra: HTTPHeaders = [:]
    ) async throws -> (HTTPStatus, [String: Any]) {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        headers.add(contentsOf: extra)
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        var result: (HTTPStatus, [String: Any]) = (.internalServerError, [:])
        try await app.testing().test(
            method, path, headers: headers, body: body.map { CommerceFixtures.json($0) }
        ) { response in
            let object =
                (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any]
            result = (response.status, object ?? [:])
        }
        return result
    }

    /// The error code of a JSON error body.
    static func errorCode(_ json: [String: Any]) -> String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }

    /// The single-use tokens in the queued staff emails, in the order they were queued.
    static func emailedLinks(_ app: Application) async throws -> [String] {
        try await CommerceFixtures.queuedJobs(app, kind: .sendEmail).compactMap {
            $0.firstMatch(of: /admin\/access\/([A-Za-z0-9_-]+)/).map { String($0.1) }
        }
    }
}
