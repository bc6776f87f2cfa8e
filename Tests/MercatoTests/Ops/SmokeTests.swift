import AsyncHTTPClient
import Fluent
import Foundation
import Testing
import Vapor

@testable import Mercato

/// `mercato smoke` against a real server on embedded defaults.
@Suite struct SmokeTests {
    /// Serves the shop on a free port, optionally with the demo catalogue, and runs `body` with its URL.
    private func withServer(products: Int, _ body: (String) async throws -> Void) async throws {
        try await TestSupport.withApp { app in
            if products > 0 {
                _ = try await DemoCatalogSeeder(
                    database: app.db, search: app.searchEngine, storage: app.objectStorage, seed: 42
                ).run(products: products)
                _ = try await DemoCommerceSeeder(database: app.db).run()
            }
            try await app.asyncBoot()
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            do {
                let port = try #require(app.http.server.shared.localAddress?.port)
                try await body("http://127.0.0.1:\(port)")
            } catch {
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
        }
    }

    private func smoke(_ baseURL: String, timeout: Duration = .seconds(10)) async -> [String: SmokeStepResult] {
        let results = await SmokeTest(baseURL: baseURL, timeout: timeout, httpClient: .shared).run()
        return Dictionary(uniqueKeysWithValues: results.map { ($0.step, $0) })
    }

    @Test func healthVersionCatalogueAndSearchPassOnASeededShop() async throws {
        try await withServer(products: 20) { baseURL in
            // MUT
            let results = await smoke(baseURL)
            // validate
            for step in ["health", "version", "catalogue", "search"] {
                #expect(results[step]?.status == .ok, "\(step): \(results[step]?.detail ?? "missing")")
            }
            #expect(results["health"]?.detail == "live; ready (ok)")
            #expect(results["version"]?.detail.hasPrefix(BuildInfo.version) == true)
            #expect(results["catalogue"]?.detail.hasPrefix("5 products;") == true)
            #expect(results["catalogue"]?.detail.contains("in stock:") == true)
            #expect(results["search"]?.detail.contains("results") == true)
        }
    }

    @Test func aTestModeShopPassesEveryStepIncludingCartAndCheckout() async throws {
        try await withServer(products: 20) { baseURL in
            // MUT
            let results = await smoke(baseURL)
            // validate: all seven steps, and the checkout really paid an order
            for step in ["health", "version", "catalogue", "search", "payments", "cart", "checkout"] {
                #expect(results[step]?.status == .ok, "\(step): \(results[step]?.detail ?? "missing")")
            }
            #expect(results["checkout"]?.detail.contains("paid") == true, "\(results["checkout"]?.detail ?? "")")
        }
    }

    @Test func emptyCatalogueFailsTheCatalogueStepAndStops() async throws {
        try await withServer(products: 0) { baseURL in
            let results = await smoke(baseURL)
            #expect(results["health"]?.status == .ok)
            #expect(results["version"]?.status == .ok)
            let catalogue = try #require(results["catalogue"])
            #expect(catalogue.status == .fail)
            #expect(catalogue.detail == "the catalogue is empty: GET /api/v1/products returned no products")
            #expect(results["search"]?.status == .skip)
            #expect(results["search"]?.detail == "not run: catalogue failed")
        }
    }

    @Test func aMissingEndpointFailsItsStep() async throws {
        // A base path under which nothing is served: every endpoint answers 404.
        try await withServer(products: 5) { baseURL in
            let results = await smoke(baseURL + "/nothing-here")
            let health = try #require(results["health"])
            #expect(health.status == .fail)
            #expect(health.detail.contains("GET /health/live answered 404 Not Found"))
        }
    }

    @Test func deadBaseURLFailsAtHealthWithAClearMessage() throws {
        // Nothing listens on port 1.
        let outcome = try CommandLineRunner.run(["smoke", "--base-url", "http://127.0.0.1:1", "--timeout", "2"])
        #expect(outcome.status != 0)
        #expect(outcome.stdout.contains("FAIL health"))
        #expect(outcome.stderr.contains("smoke failed at step 'health': GET /health/live:"))
        #expect(outcome.stderr.contains("http://127.0.0.1:1"))
        #expect(!outcome.stdout.contains("ok   version"))
    }

    @Test func invalidBaseURLIsACLIErrorNamingTheOption() throws {
        for url in ["not a url", "ftp://shop.example", "https://shop.example/?q=1"] {
            let outcome = try CommandLineRunner.run(["smoke", "--base-url", url])
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("--base-url must be an http:// or https:// URL"), "\(url)")
            #expect(outcome.stdout.isEmpty)
        }
        let missing = try CommandLineRunner.run(["smoke"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("--base-url"))
    }

    @Test func searchTermIsASpecificWordOfTheTitle() {
        #expect(SmokeTest.searchTerm(from: "Trail Running Sneakers – Red") == "sneakers")
        #expect(SmokeTest.searchTerm(from: "Mug") == "mug")
    }
}
