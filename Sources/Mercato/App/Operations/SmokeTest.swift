import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The outcome of one smoke step.
struct SmokeStepResult: Sendable, Equatable {
    enum Status: String, Sendable {
        case ok
        case fail = "FAIL"
        case skip
    }

    var step: String
    var status: Status
    var detail: String
    var duration: Duration
}

/// `mercato smoke`: post-deployment verification of the key business flows against a running shop —
/// health, version, catalogue, search, and, only where the shop takes test payments, a cart and a
/// test-mode checkout. It stops at the first failing step, because later steps build on earlier ones.
struct SmokeTest {
    /// The shop's public address, without a trailing slash.
    var baseURL: String
    /// The limit for each HTTP request.
    var timeout: Duration
    /// The one HTTP client every request goes through; borrowed, not shut down here.
    var httpClient: HTTPClient

    /// The steps in order; `checkout` runs only when `payments` reports the test provider.
    static let steps = ["health", "version", "catalogue", "search", "payments", "cart", "checkout"]

    /// A step's refusal, phrased for the operator reading the deploy log.
    struct Failure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// What earlier steps found that later ones use.
    private struct Findings {
        var productSlug = ""
        var searchTerm = ""
        var sku: String?
        var testPayments = false
        var cart: SmokeWire.Cart?
    }

    /// Runs every step, calling `report` as each finishes (so a slow step is visible live).
    func run(report: (SmokeStepResult) -> Void = { _ in }) async -> [SmokeStepResult] {
        var findings = Findings()
        var results: [SmokeStepResult] = []
        var stopped: String?
        for step in Self.steps {
            let result: SmokeStepResult
            if let stopped {
                result = SmokeStepResult(
                    step: step, status: .skip, detail: "not run: \(stopped) failed", duration: .zero)
            } else if ["cart", "checkout"].contains(step), !findings.testPayments {
                result = SmokeStepResult(step: step, status: .skip, detail: "skipped: live payments", duration: .zero)
            } else {
                let clock = ContinuousClock()
                let start = clock.now
                do {
                    let detail = try await perform(step, findings: &findings)
                    result = SmokeStepResult(step: step, status: .ok, detail: detail, duration: clock.now - start)
                } catch {
                    result = SmokeStepResult(
                        step: step, status: .fail, detail: error.message, duration: clock.now - start)
                    stopped = step
                }
            }
            report(result)
            results.append(result)
        }
        return results
    }

    private func perform(_ step: String, findings: inout Findings) async throws(Failure) -> String {
        switch step {
        case "health": return try await health()
        case "version": return try await version()
        case "catalogue": return try await catalogue(&findings)
        case "search": return try await search(findings)
        case "payments": return try await payments(&findings)
        case "cart": return try await cart(&findings)
        default: return try await checkout(findings)
        }
    }

    private func health() async throws(Failure) -> String {
        _ = try await request(.GET, "/health/live", expect: .ok)
        let ready = try await decode(SmokeWire.Readiness.self, try await request(.GET, "/health/ready", expect: .ok))
        guard ["ok", "degraded"].contains(ready.status) else {
            throw Failure("GET /health/ready reports status '\(ready.status)'")
        }
        return "live; ready (\(ready.status))"
    }

    private func version() async throws(Failure) -> String {
        let info = try await decode(SmokeWire.Version.self, try await request(.GET, "/version", expect: .ok))
        guard !info.version.isEmpty else { throw Failure("GET /version has an empty version") }
        return "\(info.version) (commit \(info.commit))"
    }

    private func catalogue(_ findings: inout Findings) async throws(Failure) -> String {
        let page = try await decode(
            SmokeWire.ProductPage.self, try await request(.GET, "/api/v1/products?pageSize=5", expect: .ok))
        guard let first = page.items.first else {
            throw Failure("the catalogue is empty: GET /api/v1/products returned no products")
        }
        let slug = Self.pathSegment(first.slug)
        let detail = try await decode(
            SmokeWire.ProductDetail.self, try await request(.GET, "/api/v1/products/\(slug)", expect: .ok))
        guard detail.slug == first.slug else {
            throw Failure("GET /api/v1/products/\(slug) answered product '\(detail.slug)'")
        }
        var variantCount = 0
        // The cart step needs something in stock; look through the listed products for it.
        for item in page.items {
            let path = "/api/v1/products/\(Self.pathSegment(item.slug))/variants"
            let list = try await decode(SmokeWire.VariantList.self, try await request(.GET, path, expect: .ok))
            if item.slug == first.slug {
                guard !list.variants.isEmpty else { throw Failure("GET \(path) returned no variants") }
                variantCount = list.variants.count
            }
            if let variant = list.variants.first(where: \.isAvailable) {
                findings.sku = variant.sku
                break
            }
        }
        findings.productSlug = first.slug
        findings.searchTerm = Self.searchTerm(from: first.title)
        let stock = findings.sku.map { "in stock: \($0)" } ?? "nothing in stock among the first \(page.items.count)"
        return "\(page.items.count) products; \(first.slug): \(variantCount) variants; \(stock)"
    }

    private func search(_ findings: Findings) async throws(Failure) -> String {
        let query = findings.searchTerm.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let path = "/api/v1/search?q=\(query)"
        let page = try await decode(SmokeWire.ProductPage.self, try await request(.GET, path, expect: .ok))
        guard !page.items.isEmpty else {
            throw Failure("GET \(path) found nothing for '\(findings.searchTerm)', a word of a listed product")
        }
        return "'\(findings.searchTerm)': \(page.items.count) results"
    }

    private func payments(_ findings: inout Findings) async throws(Failure) -> String {
        let config = try await decode(
            SmokeWire.PaymentsConfig.self, try await request(.GET, "/api/v1/payments/config", expect: .ok))
        findings.testPayments = config.provider == "test"
        let mode = config.liveMode ? "live" : "test mode"
        return "\(config.provider) (\(mode))" + (findings.testPayments ? "" : "; cart and checkout skipped")
    }

    private func cart(_ findings: inout Findings) async throws(Failure) -> String {
        guard let sku = findings.sku else {
            throw Failure("no variant in stock among the listed products, so nothing can be put in a cart")
        }
        let created = try await decode(
            SmokeWire.Cart.self, try await request(.POST, "/api/v1/carts", json: "{}", expect: .created))
        // Only the response that creates a cart carries its token.
        guard let token = created.token else { throw Failure("POST /api/v1/carts answered a cart without its token") }
        let path = "/api/v1/carts/\(created.id.uuidString)/items"
        let body = try Self.encode(SmokeWire.AddItem(sku: sku, quantity: 1))
        var cart = try await decode(
            SmokeWire.Cart.self,
            try await request(.POST, path, json: body, headers: ["X-Cart-Token": token], expect: .ok))
        cart.token = token
        guard cart.items.contains(where: { $0.sku == sku && $0.quantity == 1 }) else {
            throw Failure("POST \(path) answered a cart without \(sku)")
        }
        guard cart.totals.total.amount > 0 else {
            throw Failure("the cart with \(sku) totals \(cart.totals.total.amount)")
        }
        findings.cart = cart
        return "\(sku) × 1, total \(cart.totals.total.amount) \(cart.totals.total.currency)"
    }

    private func checkout(_ findings: Findings) async throws(Failure) -> String {
        guard let cart = findings.cart else { throw Failure("no cart to check out") }
        let methods = try await decode(
            SmokeWire.ShippingMethods.self,
            try await request(.GET, "/api/v1/shipping-methods?country=DE", expect: .ok))
        guard let method = methods.items.first else {
            throw Failure("GET /api/v1/shipping-methods?country=DE offers no shipping method")
        }
        let checkout = SmokeWire.Checkout(
            cartId: cart.id, email: "smoke-test@mercato.example",
            shippingAddress: .init(
                name: "Smoke Test", line1: "Teststraße 1", city: "Berlin", postalCode: "10115", country: "DE"),
            shippingMethod: method.code)
        let order = try await decode(
            SmokeWire.Order.self,
            try await request(
                .POST, "/api/v1/checkout", json: try Self.encode(checkout), headers: ["X-Cart-Token": cart.token ?? ""],
                expect: .created))
        guard order.status == "pending_payment", let token = order.token else {
            throw Failure("POST /api/v1/checkout answered order \(order.number) in status '\(order.status)'")
        }
        let path = "/api/v1/orders/\(order.id.uuidString)/payment"
        let paid = try await decode(
            SmokeWire.Order.self,
            try await request(
                .POST, path, json: try Self.encode(SmokeWire.Payment(card: "4242424242424242")),
                headers: ["X-Order-Token": token], expect: .ok))
        guard paid.status == "paid" else {
            throw Failure("POST \(path) left order \(order.number) in status '\(paid.status)'")
        }
        return "order \(paid.number) paid (\(paid.totals.total.amount) \(paid.totals.total.currency), \(method.code))"
    }

    // MARK: - HTTP

    private func request(
        _ method: HTTPMethod, _ path: String, json: String? = nil, headers: [String: String] = [:],
        expect expected: HTTPResponseStatus
    ) async throws(Failure) -> (path: String, body: ByteBuffer) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "mercato-smoke/\(BuildInfo.version)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let label = "\(method.rawValue) \(path)"
        let status: HTTPResponseStatus
        let body: ByteBuffer
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
            status = response.status
            body = try await response.body.collect(upTo: 8 * 1024 * 1024)
        } catch {
            throw Failure("\(label): \(Self.describe(error, baseURL: baseURL, timeout: timeout))")
        }
        guard status == expected else {
            let code = Self.errorCode(in: body).map { " (\($0))" } ?? ""
            throw Failure("\(label) answered \(status.code) \(status.reasonPhrase)\(code), expected \(expected.code)")
        }
        return (path, body)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: (path: String, body: ByteBuffer)) throws(Failure)
        -> T
    {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body.readableBytesView))
        } catch {
            throw Failure("\(response.path) answered JSON that doesn't match the Store API: \(Self.describe(error))")
        }
    }

    private static func encode(_ value: some Encodable) throws(Failure) -> String {
        do {
            return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        } catch {
            throw Failure("could not encode a request body: \(error)")
        }
    }

    /// `{"error":{"code":…}}` from an API error answer, so the failure says why, not only the status.
    private static func errorCode(in body: ByteBuffer) -> String? {
        struct Envelope: Decodable {
            struct Detail: Decodable { var code: String }
            var error: Detail
        }
        return (try? JSONDecoder().decode(Envelope.self, from: Data(body.readableBytesView)))?.error.code
    }

    private static func describe(_ error: any Error, baseURL: String, timeout: Duration) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout:
                return "no answer from \(baseURL) within \(timeout)"
            default: break
            }
        }
        if let error = error as? DecodingError {
            switch error {
            case .keyNotFound(let key, let context):
                return "missing '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                return "\(path.isEmpty ? "body" : "'\(path)'"): \(context.debugDescription)"
            @unknown default: break
            }
        }
        return "cannot reach \(baseURL): \(error)"
    }

    private static func describe(_ error: any Error) -> String {
        describe(error, baseURL: "", timeout: .zero)
    }

    /// A slug as one path segment.
    private static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? text
    }

    /// The longest word of a product title: specific enough to find the product again.
    static func searchTerm(from title: String) -> String {
        let words = title.lowercased().split { !$0.isLetter }.map(String.init).filter { $0.count >= 3 }
        return words.max { $0.count < $1.count } ?? title.lowercased()
    }
}
