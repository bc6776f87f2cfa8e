import Crypto
import Foundation
import Vapor

/// Admin API access until admin accounts exist: `Authorization: Bearer <admin.token>`.
struct AdminTokenMiddleware: AsyncMiddleware {
    struct Unauthorized: AppError {
        var code: String { "unauthorized" }
        var status: HTTPResponseStatus { .unauthorized }
        var reason: String { "a valid admin bearer token is required" }
        var headers: HTTPHeaders { ["WWW-Authenticate": "Bearer realm=\"mercato-admin\""] }
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let expected = request.application.settings.admin.token, !expected.isEmpty,
            let presented = request.headers.bearerAuthorization?.token,
            ConstantTime.equals(presented, expected)
        else { throw Unauthorized() }
        return try await next.respond(to: request)
    }
}
