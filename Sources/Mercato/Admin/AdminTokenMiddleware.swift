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
            Self.constantTimeEquals(presented, expected)
        else { throw Unauthorized() }
        return try await next.respond(to: request)
    }

    /// Compares hashes so the time taken doesn't reveal how much of the token was right.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = SHA256.hash(data: Data(lhs.utf8))
        let right = SHA256.hash(data: Data(rhs.utf8))
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
