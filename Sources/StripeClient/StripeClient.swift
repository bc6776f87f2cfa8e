import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A small client for Stripe's REST API: form-encoded requests, JSON answers, a pinned API version,
/// idempotency keys on every mutating call and retries of failures that are safe to retry.
///
/// The operations live in extensions by resource (`StripeClient+PaymentIntents.swift`, …). The
/// `HTTPClient` is borrowed, never shut down here: its owner decides its lifetime.
public struct StripeClient: Sendable {
    /// Where and how requests are sent.
    public let configuration: StripeConfiguration
    /// The HTTP client requests go through.
    public let httpClient: HTTPClient
    /// Request-level debug output and retry warnings. Keys, client secrets and bodies are never logged.
    public let logger: Logger
    private let baseURL: String

    /// Creates a client.
    ///
    /// - Throws: ``StripeError/invalidRequest(_:)`` when the base URL is not `http(s)://host[:port]`
    ///   or the secret key is empty.
    public init(
        configuration: StripeConfiguration,
        httpClient: HTTPClient,
        logger: Logger = Logger(label: "StripeClient")
    ) throws(StripeError) {
        let trimmed =
            configuration.baseURL.hasSuffix("/")
            ? String(configuration.baseURL.dropLast()) : configuration.baseURL
        guard let components = URLComponents(string: trimmed),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            components.host?.isEmpty == false, components.path.isEmpty, components.query == nil
        else {
            throw .invalidRequest("base URL '\(configuration.baseURL)' is not http(s)://host[:port]")
        }
        guard !configuration.secretKey.isEmpty else {
            throw .invalidRequest("the secret key is empty")
        }
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.baseURL = trimmed
    }

    /// Sends one API request, retrying what is safe to retry, and decodes a 2xx answer as `Response`.
    ///
    /// - Parameters:
    ///   - method: `GET` reads (parameters in the query), `POST` changes (parameters in the body).
    ///   - path: below the base URL, starting `/v1/`; ids in it must already be escaped with ``pathSegment(_:)``.
    ///   - form: the parameters.
    ///   - idempotencyKey: required for `POST`: the same key on a retry makes Stripe replay the first
    ///     outcome instead of acting twice. Keys are at most 255 characters.
    public func send<Response: Decodable>(
        _ method: HTTPMethod,
        path: String,
        form: StripeForm = StripeForm(),
        idempotencyKey: String? = nil,
        as: Response.Type = Response.self
    ) async throws(StripeError) -> Response {
        if method != .GET {
            guard let idempotencyKey, !idempotencyKey.isEmpty else {
                throw .invalidRequest("\(method.rawValue) \(path) needs an idempotency key")
            }
            guard idempotencyKey.utf8.count <= 255 else {
                throw .invalidRequest("idempotency key is longer than 255 characters")
            }
        }
        let request = makeRequest(method, path: path, form: form, idempotencyKey: idempotencyKey)
        let (status, headers, body) = try await executeWithRetries(request, path: path)
        guard (200..<300).contains(status.code) else {
            throw .api(Self.decodeError(status: status, headers: headers, body: body))
        }
        do {
            return try JSONDecoder().decode(Response.self, from: Data(body.readableBytesView))
        } catch {
            throw .invalidResponse("\(method.rawValue) \(path) answered JSON that is not a \(Response.self): \(error)")
        }
    }

    /// `id` escaped for use as one path segment, so an id can never reach another endpoint.
    public static func pathSegment(_ id: String) -> String {
        StripeForm.escape(id, keepBrackets: false)
    }

    private func makeRequest(
        _ method: HTTPMethod, path: String, form: StripeForm, idempotencyKey: String?
    ) -> HTTPClientRequest {
        let query = method == .GET && !form.isEmpty ? "?" + form.encoded : ""
        var request = HTTPClientRequest(url: baseURL + path + query)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(configuration.secretKey)")
        request.headers.add(name: "Stripe-Version", value: StripeConfiguration.apiVersion)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Mercato-StripeClient/1")
        if let idempotencyKey {
            request.headers.add(name: "Idempotency-Key", value: idempotencyKey)
        }
        if method != .GET {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form.encoded))
        }
        return request
    }

    private func executeWithRetries(
        _ request: HTTPClientRequest, path: String
    ) async throws(StripeError) -> (HTTPResponseStatus, HTTPHeaders, ByteBuffer) {
        var attempt = 0
        while true {
            let outcome: Result<(HTTPResponseStatus, HTTPHeaders, ByteBuffer), StripeError>
            do {
                let response = try await httpClient.execute(
                    request, timeout: TimeAmount(configuration.timeout), logger: logger)
                let body = try await response.body.collect(upTo: configuration.maximumResponseBytes)
                outcome = .success((response.status, response.headers, body))
            } catch {
                outcome = .failure(Self.map(error, maximumResponseBytes: configuration.maximumResponseBytes))
            }
            let retry = Self.shouldRetry(outcome, method: request.method)
            logger.debug(
                "Stripe request",
                metadata: [
                    "stripe.method": "\(request.method.rawValue)", "stripe.path": "\(path)",
                    "stripe.attempt": "\(attempt + 1)", "stripe.outcome": "\(Self.summary(outcome))",
                ])
            guard retry, attempt < configuration.maximumNetworkRetries else {
                return try outcome.get()
            }
            let delay = retryDelay(afterAttempt: attempt)
            logger.warning(
                "Stripe request failed in a retry-safe way; sending it again (same idempotency key)",
                metadata: [
                    "stripe.method": "\(request.method.rawValue)", "stripe.path": "\(path)",
                    "stripe.outcome": "\(Self.summary(outcome))", "stripe.retryIn": "\(delay)",
                ])
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw .cancelled
            }
            attempt += 1
        }
    }

    /// Exponential backoff with jitter, so many instances retrying the same outage spread out.
    private func retryDelay(afterAttempt attempt: Int) -> Duration {
        let exponential = configuration.initialRetryDelay * (1 << min(attempt, 16))
        let capped = min(exponential, configuration.maximumRetryDelay)
        return capped * Double.random(in: 0.5...1.0)
    }

    /// What is safe and useful to send again: anything that got no answer (the same idempotency key
    /// makes a mutating retry safe), and answers Stripe marks retryable. Stripe's
    /// `Stripe-Should-Retry` header overrides the status-based guess either way.
    static func shouldRetry(
        _ outcome: Result<(HTTPResponseStatus, HTTPHeaders, ByteBuffer), StripeError>, method: HTTPMethod
    ) -> Bool {
        switch outcome {
        case .failure(let error):
            switch error {
            case .transport, .timeout: return true
            case .api, .cancelled, .invalidResponse, .invalidRequest: return false
            }
        case .success(let (status, headers, body)):
            if let advice = headers.first(name: "Stripe-Should-Retry") {
                return advice.lowercased() == "true"
            }
            switch status.code {
            case 409: return true  // a concurrent request with the same idempotency key
            case 429: return decodeError(status: status, headers: headers, body: body).code == "lock_timeout"
            case 500: return method == .GET
            case 502, 503, 504: return true
            default: return false
            }
        }
    }

    static func summary(_ outcome: Result<(HTTPResponseStatus, HTTPHeaders, ByteBuffer), StripeError>) -> String {
        switch outcome {
        case .success(let (status, _, _)): "HTTP \(status.code)"
        case .failure(let error): error.description
        }
    }

    /// Reads Stripe's `{"error": {…}}`; an answer that is not one still yields its status and a
    /// short excerpt, so a proxy's HTML error page is reported rather than hidden.
    static func decodeError(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer) -> StripeAPIError {
        struct Envelope: Decodable {
            struct Object: Decodable {
                var type: String?
                var code: String?
                var decline_code: String?
                var message: String?
                var param: String?
                var charge: String?
            }
            var error: Object
        }
        let requestID = headers.first(name: "Request-Id")
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body.readableBytesView)) else {
            let excerpt = String(decoding: body.readableBytesView.prefix(200), as: UTF8.self)
            return StripeAPIError(
                statusCode: Int(status.code), message: excerpt.isEmpty ? status.reasonPhrase : excerpt,
                requestID: requestID)
        }
        let object = envelope.error
        return StripeAPIError(
            statusCode: Int(status.code), type: object.type, code: object.code, declineCode: object.decline_code,
            message: object.message, param: object.param, chargeID: object.charge, requestID: requestID)
    }

    static func map(_ error: any Error, maximumResponseBytes: Int) -> StripeError {
        if let error = error as? StripeError {
            return error
        }
        if error is CancellationError {
            return .cancelled
        }
        if error is NIOTooManyBytesError {
            return .invalidResponse("response body exceeds \(maximumResponseBytes) bytes")
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout:
                return .timeout
            case .cancelled:
                return .cancelled
            default:
                return .transport(description: String(describing: error))
            }
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .timeout
        }
        return .transport(description: String(describing: error))
    }
}
