import Vapor

/// An error a client can cause, with a stable machine-readable code for API consumers.
protocol AppError: AbortError {
    /// `invalid_request_id`, `not_found`: stable across releases, safe to branch on.
    var code: String { get }
}

/// The platform's own client errors.
enum PlatformError: AppError {
    case invalidRequestID

    var code: String {
        switch self {
        case .invalidRequestID: "invalid_request_id"
        }
    }

    var status: HTTPResponseStatus { .badRequest }

    var reason: String {
        switch self {
        case .invalidRequestID:
            "X-Request-ID must be 1–\(RequestIDMiddleware.maximumLength) characters of letters, digits, '-', '_', '.' or ':'"
        }
    }
}
