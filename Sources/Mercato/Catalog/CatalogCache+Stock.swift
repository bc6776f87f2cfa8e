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
        await retiringStock(of: ids.count, logger: logger) {
            let rows = try await db.sql.raw("SELECT slug FROM products WHERE id IN (\(binds: Array(ids)))").all()
            try await stockChanged(
                slugs: try rows.map { try $0.decode(column: "slug", as: String.self) },
                availabilityCrossedZero: availabilityCrossedZero)
        }
    }

    /// The same for products whose slugs the caller holds (checkout has them from the cart's
    /// lines), without looking them up.
    func retireStock(ofSlugs slugs: Set<String>, availabilityCrossedZero: Bool, logger: Logger) async {
        guard !slugs.isEmpty else { return }
        await retiringStock(of: slugs.count, logger: logger) {
            try await stockChanged(slugs: slugs, availabilityCrossedZero: availabilityCrossedZero)
        }
    }

    private func retiringStock(of count: Int, logger: Logger, _ retire: () async throws -> Void) async {
        do {
            try await retire()
        } catch {
            logger.warning(
                "cached stock of changed products was not retired; it expires within \(ttl.components.seconds) s",
                metadata: ["products": "\(count)", "error": "\(error)"])
        }
    }
}
