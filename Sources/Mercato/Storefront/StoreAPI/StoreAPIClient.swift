import Vapor

/// Everything the storefront reads, shaped like the Store API: the pages never see the database or
/// `CatalogService`, so `--role storefront` can run as its own service against `--role api`.
protocol StoreAPIClient: Sendable {
    /// `GET /api/v1/products`: a listing page, with facets when `query.includeFacets`.
    /// - Throws: `StoreAPIError` (404 for an unknown category, 400 for a refused query).
    func products(_ query: CatalogQuery) async throws -> CatalogDTO.ProductPage

    /// `GET /api/v1/search`: text search with facets and typo correction.
    func search(_ query: CatalogQuery) async throws -> CatalogDTO.ProductPage

    /// `GET /api/v1/products/:slug`: an active product with variants and stock.
    /// - Throws: `StoreAPIError` with 404 for an unknown, draft or archived product.
    func product(slug: String) async throws -> CatalogDTO.ProductDetail

    /// `GET /api/v1/categories`: the whole category tree.
    func categoryTree() async throws -> CatalogDTO.CategoryTree
}

/// How this process reaches the Store API, chosen at boot from `storefront.apiBaseURL`.
enum StoreAPIConnection: Sendable {
    /// Call the catalogue directly (`--role all`).
    case inProcess
    /// Call a `--role api` service over HTTP.
    case http(HTTPStoreAPIClient.Configuration)

    init(settings: StorefrontSettings) {
        if let baseURL = settings.apiBaseURL {
            self = .http(.init(baseURL: baseURL, timeout: .seconds(Int64(settings.apiTimeoutSeconds))))
        } else {
            self = .inProcess
        }
    }
}

extension Application {
    private struct StoreAPIConnectionKey: StorageKey {
        typealias Value = StoreAPIConnection
    }

    /// The configured Store API connection; in process until configured otherwise.
    var storeAPIConnection: StoreAPIConnection {
        get { storage[StoreAPIConnectionKey.self] ?? .inProcess }
        set { storage[StoreAPIConnectionKey.self] = newValue }
    }
}

extension Request {
    /// A Store API client for this request: it carries the request id (forwarded as `X-Request-ID`
    /// so one trace spans both services) and the request's logger.
    var storeAPI: any StoreAPIClient {
        switch application.storeAPIConnection {
        case .inProcess:
            InProcessStoreAPIClient(catalog: catalog, cache: application.catalogCache)
        case .http(let configuration):
            HTTPStoreAPIClient(
                configuration: configuration, httpClient: application.http.client.shared, requestID: id,
                logger: logger)
        }
    }
}

/// A Store API call that failed, carrying the API's own status so the page fails the same way:
/// an unknown product is a 404 page whether the API ran in process or over the network.
struct StoreAPIError: AppError {
    var status: HTTPResponseStatus
    var code: String
    var reason: String

    /// The API refused or could not find something; its message is meant for the client.
    static func client(status: HTTPResponseStatus, code: String, message: String) -> StoreAPIError {
        StoreAPIError(status: status, code: code, reason: message)
    }

    /// The API failed or could not be reached; details stay in the log, never on the page.
    static func unavailable(status: HTTPResponseStatus = .serviceUnavailable) -> StoreAPIError {
        StoreAPIError(
            status: status, code: "store_api_unavailable",
            reason: "the catalogue is temporarily unavailable; please try again in a moment")
    }
}
