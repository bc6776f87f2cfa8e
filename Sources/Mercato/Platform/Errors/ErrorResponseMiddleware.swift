import Vapor

/// The single place errors become responses (replaces Vapor's default error middleware).
struct ErrorResponseMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return await ErrorResponse.make(for: error, request: request, requestID: request.id)
        }
    }
}
