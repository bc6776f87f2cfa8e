import Fluent
import Foundation
import Logging
import SQLKit

extension CatalogCache {
    /// After an order reserved or released stock of these products: retires their cached detail
    /// and pages, and listings filtering on stock when some variant sold out or came back.
    ///
    /// Never throws: the stock change has committed, and the customer must hear about it. When the
    /// cache or the slug lookup fails, the cached reads show the old stock until they expire
    /// (`ttl`), which the warning says.
    func retireStock(
        ofProducts ids: Set<UUID>, availabilityCrossedZero: Bool, on db: any Database, logger: Logger
    ) async {
        guard !ids.isEmpty else { return }
        do {
            let rows = try await db.sql.raw("SELECT slug FROM products WHERE id IN (\(binds: Array(ids)))").all()
            try await stockChanged(
                slugs: try rows.map { try $0.decode(column: "slug", as: String.self) },
                availabilityCrossedZero: availabilityCrossedZero)
        } catch {
            logger.warning(
                "cached stock of changed products was not retired; it expires within \(ttl.components.seconds) s",
                metadata: ["products": "\(ids.count)", "error": "\(error)"])
        }
    }
}
