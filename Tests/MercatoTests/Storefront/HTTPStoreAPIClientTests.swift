import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// `--role storefront` as its own service: pages built from a real `--role api` app over HTTP.
@Suite(.serialized) struct HTTPStoreAPIClientTests {
    typealias Shop = StorefrontTesting

    /// Remembers the `X-Request-ID` of every request the API served.
    actor RequestIDLog {
        var ids: [String] = []
        func record(_ id: String?) { ids.append(id ?? "") }
    }

    struct RecordRequestIDs: AsyncMiddleware {
        let log: RequestIDLog
        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            await log.record(request.headers.first(name: RequestIDMiddleware.headerName))
            return try await next.respond(to: request)
        }
    }

    /// Starts an API-role app with the catalogue on a free port, then a storefront-role app whose
    /// `storefront.apiBaseURL` points at it, and runs `body` against the storefront.
    private func withSplitDeployment(_ body: (Application, RequestIDLog) async throws -> Void) async throws {
        let log = RequestIDLog()
        try await TestSupport.withApp(role: .api) { api in
            // setup: the API service
            try await CatalogFixtures.insert(Shop.catalogue, into: api)
            api.middleware.use(RecordRequestIDs(log: log))
            try await api.asyncBoot()
            try await api.server.start(address: .hostname("127.0.0.1", port: 0))
            do {
                let port = try #require(api.http.server.shared.localAddress?.port)
                // setup: the storefront service, configured the way an operator would
                let settings = try TestSupport.settings(variables: [
                    "MERCATO_STOREFRONT_API_BASE_URL": "http://127.0.0.1:\(port)/"
                ])
                #expect(settings.storefront.apiBaseURL == "http://127.0.0.1:\(port)")
                try await TestSupport.withApp(settings, role: .storefront, migrate: false) { storefront in
                    try await body(storefront, log)
                }
            } catch {
                await api.server.shutdown()
                throw error
            }
            await api.server.shutdown()
        }
    }

    @Test func pagesRenderFromTheAPIServiceAndForwardTheRequestID() async throws {
        try await withSplitDeployment { storefront, log in
            // MUT
            let category = try await Shop.get(storefront, "/c/shoes?brand=Acme", headers: ["X-Request-ID": "trace-42"])
            // validate
            #expect(category.status == .ok)
            #expect(Shop.titles(in: category.html) == ["Court Sneakers", "Chelsea Boots"])
            #expect(category.html.contains("value=\"Acme\" checked>"))
            #expect(await log.ids.contains("trace-42"))

            let product = try await Shop.get(storefront, "/p/court-sneakers")
            #expect(product.html.contains("<span class=\"stock out-of-stock\">Out of stock</span>"))

            let home = try await Shop.get(storefront, "/")
            #expect(Set(Shop.titles(in: home.html)) == ["Court Sneakers", "Trail Runner"])

            let search = try await Shop.get(storefront, "/search?q=sneakres")
            #expect(search.html.contains("Showing results for “<strong>sneakers</strong>”"))
        }
    }

    @Test func apiErrorsKeepTheirStatusOnThePage() async throws {
        try await withSplitDeployment { storefront, _ in
            let product = try await Shop.get(storefront, "/p/no-such-product")
            #expect(product.status == .notFound)
            #expect(product.html.contains("no product &#39;no-such-product&#39;"))

            let category = try await Shop.get(storefront, "/c/no-such-category")
            #expect(category.status == .notFound)
        }
    }

    @Test func storefrontRoleServesNoAPI() async throws {
        try await withSplitDeployment { storefront, _ in
            try await storefront.testing().test(.GET, "/api/v1/products") { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func unreachableAPIIsA503PageWithoutDetails() async throws {
        // Nothing listens on port 9 (discard); the client retries the refused connection until the deadline.
        let settings = try TestSupport.settings(variables: [
            "MERCATO_STOREFRONT_API_BASE_URL": "http://127.0.0.1:9", "MERCATO_STOREFRONT_API_TIMEOUT_SECONDS": "1",
        ])
        try await TestSupport.withApp(settings, role: .storefront, migrate: false) { storefront in
            let page = try await Shop.get(storefront, "/c/shoes")
            #expect(page.status == .serviceUnavailable)
            #expect(page.html.contains("the catalogue is temporarily unavailable"))
            #expect(!page.html.contains("127.0.0.1"))
        }
    }

    @Test func queriesSurviveTheRoundTripThroughParameters() throws {
        let parameters = [
            "q": "c++ & <tags>", "category": "shoes", "brand": "Acme,Stride", "minPrice": "100", "maxPrice": "900",
            "options": "colour:Red,size:41,size:42", "inStock": "true", "featured": "true", "sort": "price_desc",
            "page": "3", "pageSize": "12", "facets": "true",
        ]
        let query = try CatalogQuery(parameters: parameters)
        #expect(try CatalogQuery(parameters: query.apiParameters) == query)
        #expect(try CatalogQuery(parameters: CatalogQuery().apiParameters) == CatalogQuery())
    }
}
