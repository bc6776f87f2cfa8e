import Fluent

/// Every migration, in the one order they run. `mercato migration new` appends here.
enum MigrationList {
    static var all: [any Migration] {
        [
            CreateAuditEvents(),
            CreateCategories(),
            CreateProducts(),
            CreateVariants(),
            CreateProductImages(),
            CreateInventoryLevels(),
            CreateProductSearch(),
            CreateCustomers(),
            CreateCarts(),
            CreateCoupons(),
            CreateShippingAndTax(),
            CreateOrders(),
            CreatePayments(),
            CreateJobs(),
            AddTaxRateUniqueness(),
            AddCatalogReadIndexes(),
            AddTypoLookupIndexes(),
            CreateStaff(),
            CreateInventoryLedger(),
            AddCustomerDisabling(),
            AddProductManagement(),
            AddSellableStock(),
            AddOrderLineVariantIndex(),
            // mercato:migrations-end
        ]
    }
}
