import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Vapor

/// The Store API over HTTP, for `--role storefront` pointed at a `--role api` service: decodes the
/// same DTOs the API encodes and turns the API's errors into the same statuses for the page.
struct HTTPStoreAPIClient: StoreAPIClient {
    struct Configuration: Sendable {
        /// `http://api.internal:8080`, without a trailing slash.
        var baseURL: String
        /// The whole call: connect, send, response head and body.
        var timeout: TimeAmount
    }

    /// A category tree or a page of 100 products is far below this; more means something is wrong.
    static let maximumResponseBytes = 8 * 1024 * 1024

    let configuration: Configuration
    let httpClient: HTTPClient
    let requestID: String
    let logger: Logger

    func products(_ query: CatalogQuery) async throws -> CatalogDTO.ProductPage {
        try await get("/api/v1/products", parameters: query.apiParameters)
    }

    func search(_ query: CatalogQuery) async throws -> CatalogDTO.ProductPage {
        try await get("/api/v1/search", parameters: query.apiParameters)
    }

    func product(slug: String) async throws -> CatalogDTO.ProductDetail {
        try await get("/api/v1/products/" + PercentEncoding.component(slug))
    }

    func categoryTree() async throws -> CatalogDTO.CategoryTree {
        try await get("/api/v1/categories")
    }

    private func get<Body: Decodable>(_ path: String, parameters: [String: String] = [:]) async throws -> Body {
        let query = parameters.sorted { $0.key < $1.key }
            .map { "\(PercentEncoding.component($0.key))=\(PercentEncoding.component($0.value))" }.joined(
                separator: "&")
        let url = configuration.baseURL + path + (query.isEmpty ? "" : "?" + query)
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: RequestIDMiddleware.headerName, value: requestID)
        request.headers.add(name: .accept, value: "application/json")
        let status: HTTPResponseStatus
        let body: ByteBuffer
        do {
            // One deadline for head and body, so a stalled API can't hold a page past the timeout.
            let deadline = NIODeadline.now() + configuration.timeout
            let response = try await httpClient.execute(request, deadline: deadline, logger: logger)
            status = response.status
            body = try await response.body.collect(upTo: Self.maximumResponseBytes)
        } catch {
            logger.error(
                "Store API call failed", metadata: ["url": .string(url), "error": .string(String(reflecting: error))])
            throw StoreAPIError.unavailable()
        }
        guard status == .ok else { throw Self.error(status: status, body: body, url: url, logger: logger) }
        do {
            return try JSONDecoder().decode(Body.self, from: Data(body.readableBytesView))
        } catch {
            logger.error(
                "Store API answered with an unexpected body",
                metadata: ["url": .string(url), "error": .string(String(reflecting: error))])
            throw StoreAPIError.unavailable(status: .badGateway)
        }
    }

    /// A 4xx keeps the API's status, code and message (they are written for the client); a 5xx keeps
    /// its status but not its text.
    private static func error(status: HTTPResponseStatus, body: ByteBuffer, url: String, logger: Logger)
        -> StoreAPIError
    {
        let detail = try? JSONDecoder().decode(ErrorBody.self, from: Data(body.readableBytesView)).error
        if (400..<500).contains(status.code), let detail {
            return .client(status: status, code: detail.code, message: detail.message)
        }
        logger.error(
            "Store API call failed",
            metadata: ["url": .string(url), "status": .stringConvertible(status.code)])
        return .unavailable(status: status.code >= 500 ? status : .badGateway)
    }
}
