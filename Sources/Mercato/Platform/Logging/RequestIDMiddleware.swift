import Vapor

/// Gives every response an `X-Request-ID`: the caller's if it is well-formed (so a trace can span a
/// load balancer and several services), otherwise a new one. A malformed one is refused with 400,
/// because it would otherwise be written verbatim into every log line.
struct RequestIDMiddleware: AsyncMiddleware {
    static let maximumLength = 128
    static let headerName = "X-Request-ID"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let supplied = request.headers.first(name: Self.headerName), !Self.isValid(supplied) {
            let fresh = UUID().uuidString
            request.logger[metadataKey: "request-id"] = .string(fresh)
            let response = await ErrorResponse.make(
                for: PlatformError.invalidRequestID, request: request, requestID: fresh)
            response.headers.replaceOrAdd(name: Self.headerName, value: fresh)
            return response
        }
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: Self.headerName, value: request.id)
        return response
    }

    static func isValid(_ id: String) -> Bool {
        guard (1...maximumLength).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: ":"):
                true
            default: false
            }
        }
    }
}
