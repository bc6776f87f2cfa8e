import Fluent
import SQLKit

/// Indexes for the catalogue's hot reads that `0004_create_variants` left out: a product page reads
/// its variants' options by product, which without this index scans every option of every product.
struct AddCatalogReadIndexes: AsyncMigration {
    let name = "0032_add_catalog_read_indexes"

    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: "idx_variant_options_product").on("variant_options").column("product_id")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "idx_variant_options_product").run()
    }
}
