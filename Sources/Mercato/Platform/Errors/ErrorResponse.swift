import Vapor

/// The one JSON error shape of every API response: `{"error": {"code", "message", "requestId"}}`.
struct ErrorBody: Content, Equatable {
    struct Detail: Content, Equatable {
        var code: String
        var message: String
        var requestId: String
    }
    var error: Detail
}

/// Turns any error into a response: the client's mistakes say what was wrong, the server's say
/// nothing beyond "internal error" (details go to the log with the request id).
enum ErrorResponse {
    static func make(for error: any Error, request: Request, requestID: String) async -> Response {
        let (status, code, message) = describe(error)
        if status.code >= 500 {
            request.logger.error("request failed", metadata: ["error": .string(String(reflecting: error))])
        } else {
            request.logger.notice("request rejected", metadata: ["code": .string(code), "reason": .string(message)])
        }
        let response: Response
        if wantsHTML(request) {
            response = await html(status: status, message: message, requestID: requestID, request: request)
        } else {
            response = Response(status: status)
            try? response.content.encode(ErrorBody(error: .init(code: code, message: message, requestId: requestID)))
        }
        if let abort = error as? any AbortError {
            for (name, value) in abort.headers where name.lowercased() != "content-type" {
                response.headers.replaceOrAdd(name: name, value: value)
            }
        }
        return response
    }

    private static func describe(_ error: any Error) -> (HTTPResponseStatus, String, String) {
        switch error {
        case let error as any AppError:
            return (error.status, error.code, error.reason)
        // Before AbortError: Vapor makes DecodingError one, with Swift type names in its reason.
        case let error as DecodingError:
            return (.badRequest, "invalid_body", BodyProblem.describe(error))
        case let error as any AbortError where error.status.code < 500:
            return (error.status, code(for: error.status), error.reason)
        default:
            return (
                .internalServerError, "internal_error", "an internal error occurred; quote the request id to support"
            )
        }
    }

    /// `404 Not Found` → `not_found`.
    private static func code(for status: HTTPResponseStatus) -> String {
        status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
            .replacingOccurrences(of: "-", with: "_")
    }

    /// Browsers on storefront pages get a rendered page; API clients, probes and tools get JSON.
    private static func wantsHTML(_ request: Request) -> Bool {
        let path = request.url.path
        if ["/api", "/health", "/metrics", "/version"].contains(where: { path.hasPrefix($0) }) { return false }
        return request.headers.accept.mediaTypes.contains(.html)
    }

    private static func html(status: HTTPResponseStatus, message: String, requestID: String, request: Request) async
        -> Response
    {
        struct ErrorPage: Encodable {
            var status: UInt
            var title: String
            var message: String
            var requestId: String
        }
        let page = ErrorPage(status: status.code, title: status.reasonPhrase, message: message, requestId: requestID)
        do {
            let view = try await request.view.render("error", page)
            let response = try await view.encodeResponse(status: status, for: request)
            return response
        } catch {
            request.logger.error("error page failed to render", metadata: ["error": .string(String(reflecting: error))])
            let response = Response(status: status, body: .init(string: "\(status.code) \(status.reasonPhrase)\n"))
            response.headers.contentType = .plainText
            return response
        }
    }
}
