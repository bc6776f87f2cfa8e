import Fluent
import Vapor

/// Readiness of the listing index: `down` until this instance holds one, so a load balancer sends
/// listings and searches only once they can be answered in process. Probing starts the load (or
/// waits on the one running): at 100,000 products it takes about 1.5 s, during which every listing
/// would otherwise queue behind it. Once loaded, later reloads serve the older index meanwhile
/// (`CatalogCache.listingPatience`), so readiness doesn't drop on a catalogue write.
struct ListingIndexHealthCheck: HealthCheck {
    let name = "listings"
    var timeout: Duration = .seconds(2)

    func check(on request: Request) async -> DependencyHealth {
        let (cache, database) = (request.application.catalogCache, request.db)
        return await measure(timeout: timeout, failed: .down, on: request) {
            _ = try await cache.listingIndex(from: try database.sql)
        }
    }
}
