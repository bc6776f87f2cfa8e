import Foundation
import Vapor

/// Bounds every request by size and time, on top of what the HTTP server itself enforces (its
/// idle timeout closes connections with no traffic; its parser answers malformed HTTP with 400):
///
/// - a request target longer than `maximumURIBytes` is answered `414`, headers over
///   `maximumHeaderBytes` `431`, before any route runs;
/// - a body still incomplete `bodyReadTimeoutSeconds` after the headers is answered `408`, so a
///   client that declares 100 bytes and sends one ties up nothing but its socket until the idle
///   timeout;
/// - any request still running after `requestTimeoutSeconds` is answered `503` with
///   `Retry-After`. Its work isn't cancelled: stopping between two writes would be worse than
///   finishing late, and changes are retried safely through idempotency keys.
struct RequestLimitsMiddleware: AsyncMiddleware {
    let limits: ConnectionLimits

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.url.string.utf8.count <= limits.maximumURIBytes else {
            throw RequestLimitError.uriTooLong(limit: limits.maximumURIBytes)
        }
        let headerBytes = request.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        guard headerBytes <= limits.maximumHeaderBytes else {
            throw RequestLimitError.headersTooLarge(limit: limits.maximumHeaderBytes)
        }
        var checkpoints: [DeadlineCheckpoint] = []
        if Self.hasBody(request.headers) {
            checkpoints.append(
                DeadlineCheckpoint(delay: .seconds(limits.bodyReadTimeoutSeconds)) {
                    // Collected means every byte arrived; a route still waiting for them is stalled.
                    request.body.data == nil ? RequestLimitError.bodyTimedOut : nil
                })
        }
        do {
            return try await withDeadline(
                .seconds(limits.requestTimeoutSeconds), checkpoints: checkpoints, cancelsOperation: false
            ) { try await next.respond(to: request) }
        } catch is DeadlineExceeded {
            request.logger.warning(
                "request exceeded its deadline; answered 503 while its work goes on",
                metadata: ["deadlineSeconds": .stringConvertible(limits.requestTimeoutSeconds)])
            throw RequestLimitError.deadlineExceeded
        }
    }

    /// Whether the client announced a body: a positive length, or chunks.
    static func hasBody(_ headers: HTTPHeaders) -> Bool {
        if headers.contains(name: .transferEncoding) { return true }
        return headers.first(name: .contentLength).flatMap(Int.init).map { $0 > 0 } ?? false
    }
}

/// A request over one of the server's size or time bounds.
enum RequestLimitError: AppError {
    case uriTooLong(limit: Int)
    case headersTooLarge(limit: Int)
    case bodyTimedOut
    case deadlineExceeded

    var code: String {
        switch self {
        case .uriTooLong: "uri_too_long"
        case .headersTooLarge: "headers_too_large"
        case .bodyTimedOut, .deadlineExceeded: "request_timeout"
        }
    }

    var status: HTTPResponseStatus {
        switch self {
        case .uriTooLong: .uriTooLong
        case .headersTooLarge: .requestHeaderFieldsTooLarge
        case .bodyTimedOut: .requestTimeout
        case .deadlineExceeded: .serviceUnavailable
        }
    }

    var reason: String {
        switch self {
        case .uriTooLong(let limit): "The request target is longer than \(limit) bytes."
        case .headersTooLarge(let limit): "The request headers are larger than \(limit) bytes."
        case .bodyTimedOut: "The request body did not arrive in time."
        case .deadlineExceeded: "The shop could not answer in time; try again shortly."
        }
    }

    var headers: HTTPHeaders {
        self == .deadlineExceeded ? ["Retry-After": "1"] : [:]
    }
}

extension RequestLimitError: Equatable {}
