import Fluent
import Foundation
import SQLKit

/// The slugs products were known by before staff changed them. The storefront and the Store API
/// answer an old slug with a 301 to the product's current one, so links and search results out in
/// the world keep working.
struct SlugRedirects {
    let db: any Database

    /// Frees a slug a product is about to take: a redirect under it goes.
    func release(_ slug: String) async throws {
        try await db.sql.raw("DELETE FROM product_slug_redirects WHERE slug = \(bind: slug)").run()
    }

    /// Keeps `slug` as a redirect to the product, taking it over if it pointed at another.
    func keep(_ slug: String, for productID: UUID) async throws {
        try await release(slug)
        try await db.sql.raw(
            """
            INSERT INTO product_slug_redirects (slug, product_id, created_at)
            VALUES (\(bind: slug), \(bind: productID), \(bind: Date()))
            """
        ).run()
    }

    /// The current slug of the active product that `slug` used to name; nil if none did.
    func current(for slug: String) async throws -> String? {
        try await db.sql.raw(
            """
            SELECT p.slug FROM product_slug_redirects r JOIN products p ON p.id = r.product_id
            WHERE r.slug = \(bind: slug) AND p.status = \(bind: Product.Status.active.rawValue)
            """
        ).first()?.decode(column: "slug", as: String.self)
    }
}
