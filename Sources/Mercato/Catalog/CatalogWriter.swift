import Fluent
import FluentSQL
import Foundation
import Logging
import SQLKit
import Vapor

/// The catalogue's write side for staff: products and their variants. Every write to an existing
/// product is based on the version staff read (the ETag); it moves the version first, in the same
/// transaction as the change, so of two writes based on one read the second gets a 412 and changes
/// nothing. After a write commits, the product is re-indexed for search and the catalogue cache
/// version moves, which retires every cached read within `CatalogCache.versionRefresh`.
struct CatalogWriter {
    let db: any Database
    let search: any SearchEngine
    let cache: CatalogCache
    let storage: any ObjectStorage
    let logger: Logger

    /// The version a write is based on: one from an ETag, or any (`If-Match: *`).
    enum Expected: Equatable, Sendable {
        case any
        case version(Int64)
    }

    /// Creates a product with its variants and opening stock; a draft unless `status` says active.
    /// A create retried with the same `Idempotency-Key` answers the product it made (`replayed`).
    func create(_ body: ProductCreateBody, actor: String, idempotencyKey: String?) async throws -> (
        product: AdminProductDTO, replayed: Bool
    ) {
        let fields = try ProductFields(body)
        let specs = try VariantSpec.resolve(listed: body.variants, matrix: body.matrix)
        if fields.status == .active, !specs.contains(where: \.active) { throw ProductAdminError.noActiveVariant }
        if let idempotencyKey, let earlier = try await replay(idempotencyKey, of: fields) {
            return (earlier, true)
        }
        try await requireCategory(fields.categoryID)
        try await refuseTakenSlug(fields.slug, except: nil)
        try await refuseTakenSKUs(specs.map(\.sku), except: [])
        let id = UUID()
        do {
            try await db.transaction { tx in
                let product = fields.newProduct(id: id, creationKey: idempotencyKey, specs: specs)
                try await product.create(on: tx)
                try await SlugRedirects(db: tx).release(fields.slug)
                try await insert(specs, into: id, currency: fields.currency, after: -1, actor: actor, on: tx)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            if let idempotencyKey, let earlier = try await replay(idempotencyKey, of: fields) {
                return (earlier, true)
            }
            try await refuseTakenSKUs(specs.map(\.sku), except: [])
            throw ProductAdminError.duplicateSlug(fields.slug)
        }
        await published([id])
        return (try await reader.product(id), false)
    }

    /// Changes the fields sent; a new slug keeps the old one as a redirect.
    func update(_ id: UUID, _ patch: ProductPatchBody, expected: Expected) async throws -> AdminProductDTO {
        let changes = try ProductChanges(patch)
        if case .some(.some(let categoryID)) = changes.categoryID { try await requireCategory(categoryID) }
        if let slug = changes.slug { try await refuseTakenSlug(slug, except: id) }
        do {
            try await db.transaction { tx in
                let product = try await claim(id, expected, on: tx)
                if let slug = changes.slug, slug != product.slug {
                    let redirects = SlugRedirects(db: tx)
                    try await redirects.release(slug)
                    try await redirects.keep(product.slug, for: id)
                }
                changes.apply(to: product)
                try await product.save(on: tx)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw ProductAdminError.duplicateSlug(changes.slug ?? "")
        }
        await published([id])
        return try await reader.product(id)
    }

    /// Publishes (`active`), unpublishes (`draft`) or archives a product. Publishing needs an active
    /// variant.
    func setStatus(_ id: UUID, _ status: Product.Status, expected: Expected) async throws -> AdminProductDTO {
        try await db.transaction { tx in
            let product = try await claim(id, expected, on: tx)
            if status == .active {
                let sellable = try await Variant.query(on: tx).filter(\.$product.$id == id).filter(\.$active == true)
                    .count()
                guard sellable > 0 else { throw ProductAdminError.noActiveVariant }
            }
            product.status = status
            try await product.save(on: tx)
        }
        await published([id])
        return try await reader.product(id)
    }

    /// Deletes a product that was never ordered, with its variants, stock, images and redirects;
    /// an ordered one is refused (409 `product_ordered`) and stays, to be archived instead.
    func delete(_ id: UUID, expected: Expected) async throws {
        let imageKeys = try await db.transaction { tx in
            _ = try await claim(id, expected, on: tx)
            // Held until commit: a checkout reserving this stock waits, then finds no variant.
            try await InventoryService(db: tx).lockLevels(ofProduct: id)
            let variantIDs = try await Variant.query(on: tx).filter(\.$product.$id == id).all(\.$id)
            guard try await !OrderReadModel.anyOrderLine(forVariants: variantIDs, on: tx) else {
                throw ProductAdminError.productOrdered
            }
            let keys = try await ProductImage.query(on: tx).filter(\.$product.$id == id).all(\.$storageKey)
            try await Product.query(on: tx).filter(\.$id == id).delete()
            return keys
        }
        for key in imageKeys {
            do {
                try await storage.delete(key: key)
            } catch {
                logger.warning(
                    "image of a deleted product left in storage", metadata: ["key": "\(key)", "error": "\(error)"])
            }
        }
        await published([id])
    }

    var reader: ProductAdminReader { ProductAdminReader(db: db, storage: storage) }

    /// Moves the product's version if it is still `expected`, as the transaction's first statement
    /// (SQLite takes its write lock there), and returns the product as it is now.
    func claim(_ id: UUID, _ expected: Expected, on tx: any Database) async throws -> Product {
        var statement: SQLQueryString =
            "UPDATE products SET version = version + 1, updated_at = \(bind: Date()) WHERE id = \(bind: id)"
        if case .version(let version) = expected { statement += " AND version = \(bind: version)" }
        statement += " RETURNING id"
        let claimed = try await tx.sql.raw(statement).all()
        guard let product = try await Product.find(id, on: tx) else { throw ProductAdminError.productNotFound }
        guard !claimed.isEmpty else { throw ProductAdminError.versionMismatch(current: product.version) }
        return product
    }

    /// After a write committed: search sees it and cached reads retire.
    func published(_ ids: [UUID]) async {
        await Self.publish(ids, db: db, search: search, cache: cache, logger: logger)
    }

    /// Re-indexes the products and moves the catalogue cache version. The write stands if either
    /// fails; the log says what is stale and for how long.
    static func publish(
        _ ids: [UUID], db: any Database, search: any SearchEngine, cache: CatalogCache, logger: Logger
    ) async {
        do {
            if !ids.isEmpty { try await search.index(productIDs: ids, on: db) }
        } catch {
            logger.error(
                "search index not updated after a catalogue write; run `mercato reindex`",
                metadata: ["products": "\(ids)", "error": "\(error)"])
        }
        do {
            try await cache.invalidate()
        } catch {
            logger.warning(
                "catalogue cache not retired after a write; cached reads expire within \(cache.ttl.components.seconds) s",
                metadata: ["error": "\(error)"])
        }
    }

    private func replay(_ key: String, of fields: ProductFields) async throws -> AdminProductDTO? {
        guard let earlier = try await Product.query(on: db).filter(\.$creationKey == key).first() else { return nil }
        // The slug may have been edited since; title and currency say whether it's the same product.
        guard earlier.title == fields.title, earlier.currency == fields.currency else {
            throw ProductAdminError.idempotencyKeyReused
        }
        return try await reader.product(try earlier.requireID())
    }

    func requireCategory(_ id: UUID?) async throws {
        guard let id else { return }
        guard try await Category.find(id, on: db) != nil else {
            throw InvalidField(name: "categoryId", problem: "must be the id of an existing category")
        }
    }

    private func refuseTakenSlug(_ slug: String, except id: UUID?) async throws {
        var query = Product.query(on: db).filter(\.$slug == slug)
        if let id { query = query.filter(\.$id != id) }
        if try await query.count() > 0 { throw ProductAdminError.duplicateSlug(slug) }
    }

    func refuseTakenSKUs(_ skus: [String], except variantIDs: [UUID]) async throws {
        for chunk in skus.chunked(into: 500) where !chunk.isEmpty {
            var query = Variant.query(on: db).filter(\.$sku ~~ chunk)
            if !variantIDs.isEmpty { query = query.filter(\.$id !~ variantIDs) }
            if let taken = try await query.first() { throw ProductAdminError.duplicateSKU(taken.sku) }
        }
    }

    /// Inserts variants after position `after`, with options and opening stock.
    func insert(
        _ specs: [VariantSpec], into productID: UUID, currency: String, after position: Int, actor: String,
        on tx: any Database
    ) async throws {
        let rows = specs.enumerated().map { offset, spec in
            (
                productID: productID, position: position + 1 + offset,
                variant: NewProduct.Variant(
                    id: UUID(), sku: spec.sku, title: spec.title, options: spec.options.map { ($0.name, $0.value) },
                    price: spec.price, compareAt: spec.compareAt, weightGrams: spec.weightGrams, onHand: spec.onHand,
                    active: spec.active)
            )
        }
        try await ProductImporter(db: tx, actor: actor).insertVariants(rows, currency: currency, now: Date())
    }
}

extension Request {
    /// The catalogue's write side on the request's database, search and cache.
    var catalogWriter: CatalogWriter {
        CatalogWriter(
            db: db, search: application.searchEngine, cache: application.catalogCache,
            storage: application.objectStorage, logger: logger)
    }
}
