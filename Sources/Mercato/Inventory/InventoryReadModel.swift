import SQLKit

/// The read model other domains may join for listing and search filters: SQL fragments over
/// `inventory_levels`, read-only, so a product list can say "in stock" and filter on it in the
/// same query that pages it (a separate call per page would cost a round trip per listing).
///
/// Nothing here writes; every stock change goes through `InventoryService`. The architecture
/// test allows `inventory_levels` outside this folder nowhere else.
enum InventoryReadModel {
    /// True for a product with at least one sellable variant that has free stock. `product` is the
    /// product id column of the enclosing query, e.g. `p.id`.
    static func productInStock(product: String) -> SQLQueryString {
        """
        EXISTS (SELECT 1 FROM inventory_levels i WHERE i.product_id = \(unsafeRaw: product) \
        AND i.on_hand > i.reserved AND i.sellable)
        """
    }

    /// A variant's free stock (on hand minus reserved), as a column expression; NULL without a
    /// stock row. `variant` is the variant id column of the enclosing query, e.g. `v.id`.
    static func freeStock(variant: String) -> SQLQueryString {
        "(SELECT i.on_hand - i.reserved FROM inventory_levels i WHERE i.variant_id = \(unsafeRaw: variant))"
    }

    /// How many of a product's sellable variants have free stock, as a column expression.
    static func stockedVariantCount(product: String) -> SQLQueryString {
        """
        (SELECT COUNT(*) FROM inventory_levels i WHERE i.product_id = \(unsafeRaw: product) \
        AND i.on_hand > i.reserved AND i.sellable)
        """
    }
}
