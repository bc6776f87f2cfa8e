import Fluent
import Foundation
import SQLKit

/// What other domains may ask about orders without reading the order tables themselves.
enum OrderReadModel {
    /// True when any order, in any state, has a line for one of these variants: the catalogue keeps
    /// such products (archived at most), so every order still names what it sold.
    static func anyOrderLine(forVariants variantIDs: [UUID], on db: any Database) async throws -> Bool {
        for chunk in variantIDs.chunked(into: 500) where !chunk.isEmpty {
            let rows = try await db.sql.raw(
                "SELECT 1 AS found FROM order_lines WHERE variant_id IN (\(binds: chunk)) LIMIT 1"
            ).all()
            if !rows.isEmpty { return true }
        }
        return false
    }
}
