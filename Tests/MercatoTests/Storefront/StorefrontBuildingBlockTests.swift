import Foundation
import Testing
import Vapor

@testable import Mercato

/// The pieces pages are made of: addresses, form parameters, page links and the API setting.
struct StorefrontBuildingBlockTests {
    @Test func siteURLsEscapeTheirParameters() {
        #expect(SiteURL.home.path == "/")
        #expect(SiteURL.search.path == "/search")
        #expect(SiteURL.category(slug: "t-shirts").path == "/c/t-shirts")
        #expect(SiteURL.product(slug: "a/b?c#d").path == "/p/a%2Fb%3Fc%23d")
        #expect(
            SiteURL.search.with(query: [("q", "red & blue+green"), ("brand", "Ünïcode")])
                == "/search?q=red%20%26%20blue%2Bgreen&brand=%C3%9Cn%C3%AFcode")
    }

    @Test func formParametersBecomeACatalogQuery() throws {
        let form = [
            "q": ["  "], "brand": ["Acme", "Stride", "Acme", ""], "option": ["size:M"], "minPrice": ["25"],
            "maxPrice": ["49.9"], "inStock": ["1"], "sort": [""], "page": ["2"],
        ]
        let parameters = ListingParameters(form: form)
        #expect(parameters.text == nil)
        #expect(parameters.brands == ["Acme", "Stride"])
        #expect(parameters.hasFilters)
        let query = try parameters.catalogQuery(categorySlug: "shoes")
        #expect(query.categorySlug == "shoes")
        #expect(query.brands == ["Acme", "Stride"])
        #expect(query.options == ["size": ["M"]])
        #expect(query.minPrice == 2_500)
        #expect(query.maxPrice == 4_990)
        #expect(query.inStockOnly)
        #expect(query.page == 2)
        #expect(query.includeFacets)
        #expect(
            parameters.queryItems(page: 3).map { "\($0.name)=\($0.value)" } == [
                "brand=Acme", "brand=Stride", "option=size:M", "minPrice=25", "maxPrice=49.9", "inStock=1", "page=3",
            ])
    }

    @Test(arguments: [("0", 0), ("25", 2_500), ("49.99", 4_999), ("1.5", 150), ("100.", 10_000)])
    func pricesAreReadWithoutFloatingPoint(_ text: String, _ minor: Int64) throws {
        #expect(try ListingParameters.minorUnits(text, name: "minPrice") == minor)
    }

    @Test(arguments: ["-1", "1.234", "abc", ".5", "1e3", "٣", "9999999999", "1,50"])
    func malformedPricesAreRefused(_ text: String) {
        #expect(throws: InvalidParameter.self) { try ListingParameters.minorUnits(text, name: "minPrice") }
    }

    @Test func wholeUnitsRoundTrip() throws {
        for minor: Int64 in [0, 5, 99, 100, 2_499, 1_000_000] {
            #expect(try ListingParameters.minorUnits(ListingParameters.wholeUnits(minor), name: "x") == minor)
        }
    }

    @Test func paginationShowsAWindowAroundTheCurrentPage() throws {
        let middle = try #require(Pagination(current: 6, totalPages: 12) { "/c/x?page=\($0)" })
        #expect(middle.pages.map(\.number) == [1, 4, 5, 6, 7, 8, 12])
        #expect(middle.pages.filter(\.followsGap).map(\.number) == [4, 12])
        #expect(middle.previousURL == "/c/x?page=5")
        #expect(middle.nextURL == "/c/x?page=7")
        let last = try #require(Pagination(current: 2, totalPages: 2) { "\($0)" })
        #expect(last.nextURL == nil)
        #expect(last.pages.map(\.number) == [1, 2])
        #expect(Pagination(current: 1, totalPages: 1) { "\($0)" } == nil)
        #expect(Pagination(current: 1, totalPages: 0) { "\($0)" } == nil)
    }

    @Test func apiBaseURLSettingIsOptionalAndValidated() throws {
        #expect(SettingsReader.variableName(for: "storefront.apiBaseURL") == "MERCATO_STOREFRONT_API_BASE_URL")
        #expect(SettingsReader.variableName(for: "server.baseURL") == "MERCATO_SERVER_BASE_URL")
        #expect(SettingsReader.variableName(for: "a.urlPathID") == "MERCATO_A_URL_PATH_ID")
        #expect(try TestSupport.settings().storefront.apiBaseURL == nil)
        #expect(try TestSupport.settings().storefront.apiTimeoutSeconds == 5)
        let split = try TestSupport.settings(variables: [
            "MERCATO_STOREFRONT_API_BASE_URL": "https://api.internal:8443/"
        ])
        #expect(split.storefront.apiBaseURL == "https://api.internal:8443")
        for bad in ["api.internal:8080", "ftp://api.internal", "http://", "http://api?x=1"] {
            #expect(throws: SettingsError.self, "\(bad)") {
                try TestSupport.settings(variables: ["MERCATO_STOREFRONT_API_BASE_URL": bad])
            }
        }
        let production = try TestSupport.settings(
            .production, variables: TestSupport.deployedVariables.merging(["STORE_API_URL": "http://api:8080"]) { $1 })
        #expect(production.storefront.apiBaseURL == "http://api:8080")
    }
}
