import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Every link a shopper can follow from the main pages leads somewhere real.
@Suite(.serialized) struct StorefrontLinkTests {
    typealias Shop = StorefrontTesting

    @Test(arguments: ["/", "/c/shoes", "/p/court-sneakers", "/search?q=sneakers"])
    func everyLinkOnThePageResolves(_ start: String) async throws {
        try await Shop.withShop { app in
            // setup
            let page = try await Shop.get(app, start)
            #expect(page.status == .ok)
            let links = Set(Shop.hrefs(in: page.html).filter { !$0.hasPrefix("#") })
            #expect(links.count >= 3, "\(start) should link to the shop")
            for link in links.sorted() {
                // MUT
                let target = try await Shop.get(app, link)
                // validate
                #expect(target.status == .ok, "\(start) links to \(link), which answered \(target.status.code)")
            }
        }
    }
}
