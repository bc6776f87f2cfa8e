import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// What a shopper sees on each page of the server-rendered shop.
@Suite(.serialized) struct StorefrontPageTests {
    typealias Shop = StorefrontTesting

    @Test func homeShowsFeaturedProductsAndTopCategories() async throws {
        try await Shop.withShop { app in
            // MUT
            let home = try await Shop.get(app, "/")
            // validate
            #expect(home.status == .ok)
            #expect(home.html.contains("<h2 id=\"products-heading\">Featured</h2>"))
            #expect(Set(Shop.titles(in: home.html)) == ["Court Sneakers", "Trail Runner"])
            #expect(home.html.contains("<a href=\"/c/shoes\"><strong>Shoes</strong></a>"))
            #expect(home.html.contains("<a href=\"/c/sneakers\">Sneakers</a>"))
            #expect(home.html.contains("<del><span class=\"visually-hidden\">Was </span>€90.00</del>"))
            #expect(home.html.contains("alt=\"Court Sneakers, side view\""))
        }
    }

    @Test func homeFallsBackToNewArrivalsWithoutFeaturedProducts() async throws {
        let unfeatured = Shop.catalogue.map { product in
            var product = product
            product.featured = false
            return product
        }
        try await Shop.withShop(unfeatured) { app in
            let home = try await Shop.get(app, "/")
            #expect(home.html.contains("New arrivals"))
            #expect(Shop.titles(in: home.html) == ["Trail Runner", "Court Sneakers", "Chelsea Boots", "Basic Tee"])
        }
    }

    @Test func categoryListsItsSubtreeWithFacetCounts() async throws {
        try await Shop.withShop { app in
            let shoes = try await Shop.get(app, "/c/shoes")
            #expect(shoes.status == .ok)
            #expect(shoes.html.contains("<h1>Shoes</h1>"))
            #expect(Shop.titles(in: shoes.html) == ["Trail Runner", "Court Sneakers", "Chelsea Boots"])
            #expect(shoes.html.contains("3 products"))
            #expect(shoes.html.contains("value=\"Acme\"> Acme <span class=\"count\">(2)</span>"))
            #expect(shoes.html.contains("value=\"Stride\"> Stride <span class=\"count\">(1)</span>"))
            #expect(shoes.html.contains("value=\"size:43\"> 43 <span class=\"count\">(2)</span>"))
            #expect(shoes.html.contains("<a href=\"/c/boots\">Boots</a>"))
            #expect(shoes.html.contains("<span aria-current=\"page\">Shoes</span>"))
        }
    }

    @Test func filtersNarrowTheCategoryAndStayChecked() async throws {
        try await Shop.withShop { app in
            let acme = try await Shop.get(app, "/c/shoes?brand=Acme")
            #expect(Shop.titles(in: acme.html) == ["Court Sneakers", "Chelsea Boots"])
            #expect(acme.html.contains("value=\"Acme\" checked>"))
            #expect(acme.html.contains("Clear filters"))

            let twoBrands = try await Shop.get(app, "/c/shoes?brand=Acme&brand=Stride&inStock=1")
            #expect(Shop.titles(in: twoBrands.html) == ["Trail Runner", "Court Sneakers"])

            let priced = try await Shop.get(app, "/c/shoes?minPrice=100&maxPrice=120")
            #expect(Shop.titles(in: priced.html) == ["Trail Runner"])
            #expect(priced.html.contains("name=\"minPrice\" value=\"100\""))

            let sized = try await Shop.get(app, "/c/shoes?option=size%3A41")
            #expect(Shop.titles(in: sized.html) == ["Court Sneakers"])

            // Filters that match nothing stay ticked, so the shopper can untick them.
            let nothing = try await Shop.get(app, "/c/shoes?brand=Nope&option=size:99")
            #expect(nothing.html.contains("No products found."))
            #expect(nothing.html.contains("value=\"Nope\" checked> Nope <span class=\"count\">(0)</span>"))
            #expect(nothing.html.contains("<legend>Size</legend>"))
            #expect(nothing.html.contains("value=\"size:99\" checked> 99 <span class=\"count\">(0)</span>"))

            let emptyFields = try await Shop.get(app, "/c/shoes?minPrice=100&maxPrice=&sort=")
            #expect(Shop.titles(in: emptyFields.html) == ["Trail Runner", "Chelsea Boots"])
        }
    }

    @Test func sortReordersTheListing() async throws {
        try await Shop.withShop { app in
            let cheapest = try await Shop.get(app, "/c/shoes?sort=price_asc")
            #expect(Shop.titles(in: cheapest.html) == ["Court Sneakers", "Trail Runner", "Chelsea Boots"])
            #expect(cheapest.html.contains("<option value=\"price_asc\" selected>Price: low to high</option>"))
            let byName = try await Shop.get(app, "/c/shoes?sort=title")
            #expect(Shop.titles(in: byName.html) == ["Chelsea Boots", "Court Sneakers", "Trail Runner"])
        }
    }

    @Test func paginationLinksKeepFiltersAndStopAtTheLastPage() async throws {
        let tees = (1...30).map {
            Shop.product(
                "Plain Tee \($0)", brand: "Cotton Co", category: "t-shirts", variants: [("M", 1_000, 5)], age: $0)
        }
        try await Shop.withShop(tees) { app in
            let first = try await Shop.get(app, "/c/t-shirts?inStock=1")
            #expect(first.html.contains("Showing 1–24 of 30 products"))
            #expect(Shop.titles(in: first.html).count == 24)
            #expect(Shop.hrefs(in: first.html).contains("/c/t-shirts?inStock=1&page=2"))

            let second = try await Shop.get(app, "/c/t-shirts?inStock=1&page=2")
            #expect(second.html.contains("Showing 25–30 of 30 products"))
            #expect(Shop.titles(in: second.html) == (25...30).map { "Plain Tee \($0)" })
            #expect(Shop.hrefs(in: second.html).contains("/c/t-shirts?inStock=1"))

            let beyond = try await Shop.get(app, "/c/t-shirts?page=3")
            #expect(beyond.status == .notFound)
            #expect(beyond.html.contains("the last page is 2"))
        }
    }

    @Test func productPageShowsPriceBreadcrumbsAndStockPerVariant() async throws {
        try await Shop.withShop { app in
            let page = try await Shop.get(app, "/p/court-sneakers")
            #expect(page.status == .ok)
            #expect(page.html.contains("<h1>Court Sneakers</h1>"))
            #expect(page.html.contains("Low-top leather court shoes."))
            #expect(page.html.contains("<ins><span class=\"visually-hidden\">Now </span>€75.00</ins>"))
            #expect(page.html.contains("<a href=\"/c/shoes\">Shoes</a>"))
            #expect(page.html.contains("<a href=\"/c/sneakers\">Sneakers</a>"))
            #expect(page.html.contains("<dt>material</dt><dd>leather</dd>"))
            // The in-stock size is chosen first; the sold-out one says so.
            #expect(page.html.contains("value=\"SKU-court-sneakers-41\" checked>"))
            #expect(page.html.contains("<span class=\"stock low-stock\">Only 3 left</span>"))
            #expect(page.html.contains("<span class=\"stock out-of-stock\">Out of stock</span>"))
            #expect(page.html.contains("<p class=\"stock low-stock\">Size 41: Only 3 left</p>"))

            let soldOut = try await Shop.get(app, "/p/court-sneakers?variant=SKU-court-sneakers-42")
            #expect(soldOut.html.contains("value=\"SKU-court-sneakers-42\" checked>"))
            #expect(soldOut.html.contains("<p class=\"stock out-of-stock\">Size 42: Out of stock</p>"))
        }
    }

    @Test func searchShowsResultsFacetsAndCorrections() async throws {
        try await Shop.withShop { app in
            let found = try await Shop.get(app, "/search?q=court+sneakers")
            #expect(found.status == .ok)
            #expect(found.html.contains("Search results for “court sneakers”"))
            #expect(Shop.titles(in: found.html).first == "Court Sneakers")
            #expect(found.html.contains("<option value=\"relevance\" selected>Best match</option>"))
            #expect(found.html.contains("<input type=\"hidden\" name=\"q\" value=\"court sneakers\">"))

            let typo = try await Shop.get(app, "/search?q=sneakres")
            #expect(typo.html.contains("No products match “sneakres”. Showing results for “<strong>sneakers</strong>”"))
            #expect(Shop.titles(in: typo.html).contains("Court Sneakers"))

            let narrowed = try await Shop.get(app, "/search?q=sneakers&category=sneakers")
            #expect(narrowed.html.contains("All categories"))
        }
    }

    @Test func searchWithoutMatchesOffersCategories() async throws {
        try await Shop.withShop { app in
            let empty = try await Shop.get(app, "/search?q=zzzqqqxx")
            #expect(empty.status == .ok)
            #expect(empty.html.contains("No products found."))
            #expect(empty.html.contains("Browse categories"))
            #expect(Shop.hrefs(in: empty.html).contains("/c/clothing"))

            let blank = try await Shop.get(app, "/search?q=")
            #expect(blank.status == .ok)
            #expect(blank.html.contains("Type a product name"))
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func featuredFilterOnTheStoreAPI(_ backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Shop.catalogue) { app in
            try await app.testing().test(.GET, "/api/v1/products?featured=true") { response in
                let page = try response.content.decode(CatalogDTO.ProductPage.self)
                #expect(Set(page.items.map(\.title)) == ["Court Sneakers", "Trail Runner"])
            }
        }
    }
}
