import Fluent
import FluentSQL
import Foundation
import Logging
import SQLKit
import Vapor

/// A category as staff manage it, with how many products it holds directly.
struct AdminCategoryDTO: Content, Equatable {
    var id: UUID
    var name: String
    var slug: String
    var parentId: UUID?
    var position: Int
    var productCount: Int
}

/// Category tree edits staff got wrong.
enum CategoryError: AppError, Equatable {
    case notFound
    case duplicateSlug(String)
    /// A move under itself or one of its own subcategories.
    case cycle
    case tooDeep
    /// It still has subcategories, or products and no `reassignTo`.
    case notEmpty(String)

    var code: String {
        switch self {
        case .notFound: "not_found"
        case .duplicateSlug: "duplicate_slug"
        case .cycle: "category_cycle"
        case .tooDeep: "category_too_deep"
        case .notEmpty: "category_not_empty"
        }
    }

    var status: HTTPResponseStatus {
        switch self {
        case .notFound: .notFound
        case .duplicateSlug, .cycle, .notEmpty: .conflict
        case .tooDeep: .unprocessableEntity
        }
    }

    var reason: String {
        switch self {
        case .notFound: "no such category"
        case .duplicateSlug(let slug): "another category already has the slug '\(slug)'"
        case .cycle: "a category can't move under itself or one of its own subcategories"
        case .tooDeep: "categories nest at most \(CategoryWriter.maximumDepth) levels deep"
        case .notEmpty(let what): "the category still has \(what)"
        }
    }
}

/// `POST /api/v1/admin/categories` and, with every field optional, `PATCH …/{categoryId}`
/// (`parentId: null` makes it a top-level category).
struct CategoryBody: Content {
    var name: String?
    var slug: String?
    var parentId: UUID??
    var position: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, slug, parentId, position
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.closedContainer(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        slug = try container.decodeIfPresent(String.self, forKey: .slug)
        if container.contains(.parentId) {
            parentId = .some(try container.decodeIfPresent(UUID.self, forKey: .parentId))
        }
        position = try container.decodeIfPresent(Int.self, forKey: .position)
    }
}

/// The category tree's write side: create, rename, move, reorder and delete. Products in a renamed
/// or emptied category are re-indexed (search reads the category's name), and the catalogue cache
/// version moves, which reloads the tree every page holds.
struct CategoryWriter {
    static let maximumName = 100
    static let maximumDepth = 6
    static let maximumPosition = 10_000

    let db: any Database
    let search: any SearchEngine
    let cache: CatalogCache
    let logger: Logger

    /// Every category, or only the one with `id`.
    func list(only id: UUID? = nil) async throws -> [AdminCategoryDTO] {
        var statement: SQLQueryString = """
            SELECT c.id, c.name, c.slug, c.parent_id, c.position,
                (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id) AS products
            FROM categories c
            """
        if let id { statement += " WHERE c.id = \(bind: id)" }
        statement += " ORDER BY c.position, c.name"
        let rows = try await db.sql.raw(statement).all()
        return try rows.map { row in
            AdminCategoryDTO(
                id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                slug: try row.decode(column: "slug", as: String.self),
                parentId: try row.decode(column: "parent_id", as: UUID?.self),
                position: try row.decode(column: "position", as: Int.self),
                productCount: try row.decode(column: "products", as: Int.self))
        }
    }

    func create(_ body: CategoryBody) async throws -> AdminCategoryDTO {
        let name = try ProductRules.required(body.name ?? "", "name", maximum: Self.maximumName)
        guard let slug = try body.slug.map({ try ProductRules.slug($0) }) ?? ProductRules.slug(fromTitle: name) else {
            throw InvalidField(name: "slug", problem: "is needed when the name has no Latin letters or digits")
        }
        let position = try Self.position(body.position) ?? 0
        let parentID = body.parentId ?? nil
        let id = UUID()
        try await place(id, under: parentID, tree: try await CategoryIndex.load(from: db.sql))
        try await refuseTaken(slug, except: nil)
        try await saving(slug) {
            try await Category(id: id, name: name, slug: slug, parentID: parentID, position: position).create(on: db)
        }
        await published(products: [])
        return try await find(id)
    }

    func update(_ id: UUID, _ body: CategoryBody) async throws -> AdminCategoryDTO {
        let name = try body.name.map { try ProductRules.required($0, "name", maximum: Self.maximumName) }
        let slug = try body.slug.map { try ProductRules.slug($0) }
        let position = try Self.position(body.position)
        guard let category = try await Category.find(id, on: db) else { throw CategoryError.notFound }
        if case .some(let parentID) = body.parentId {
            try await place(id, under: parentID, tree: try await CategoryIndex.load(from: db.sql))
            category.$parent.id = parentID
        }
        if let slug { try await refuseTaken(slug, except: id) }
        if let name { category.name = name }
        if let slug { category.slug = slug }
        if let position { category.position = position }
        try await saving(slug ?? category.slug) { try await category.save(on: db) }
        await published(products: name == nil ? [] : try await productIDs(in: id))
        return try await find(id)
    }

    /// Deletes an empty category; its products move to `reassignTo` first when given. One with
    /// subcategories stays until they are moved or deleted.
    func delete(_ id: UUID, reassignTo target: UUID?) async throws {
        guard try await Category.find(id, on: db) != nil else { throw CategoryError.notFound }
        if let target {
            guard target != id, try await Category.find(target, on: db) != nil else {
                throw InvalidParameter(name: "reassignTo", problem: "must be the id of another existing category")
            }
        }
        let moved = try await productIDs(in: id)
        try await db.transaction { tx in
            // A write first: SQLite takes its write lock there, before the checks read.
            try await tx.sql.raw("UPDATE categories SET position = position WHERE id = \(bind: id)").run()
            if let target, !moved.isEmpty {
                try await tx.sql.raw(
                    """
                    UPDATE products SET category_id = \(bind: target), version = version + 1, updated_at = \(bind: Date())
                    WHERE category_id = \(bind: id)
                    """
                ).run()
            }
            guard try await Category.query(on: tx).filter(\.$parent.$id == id).count() == 0 else {
                throw CategoryError.notEmpty("subcategories; move or delete them first")
            }
            guard target != nil || moved.isEmpty else {
                throw CategoryError.notEmpty("\(moved.count) products; pass reassignTo to move them")
            }
            try await Category.query(on: tx).filter(\.$id == id).delete()
        }
        await published(products: moved)
    }

    private func find(_ id: UUID) async throws -> AdminCategoryDTO {
        guard let category = try await list(only: id).first else { throw CategoryError.notFound }
        return category
    }

    /// Refuses a parent that doesn't exist, is the category or one of its descendants, or would nest
    /// the category's subtree deeper than `maximumDepth`.
    private func place(_ id: UUID, under parentID: UUID?, tree: CategoryIndex) async throws {
        guard let parentID else { return }
        guard tree.nodes[parentID] != nil else {
            throw InvalidField(name: "parentId", problem: "must be the id of an existing category")
        }
        var depth = 1
        var current: UUID? = parentID
        while let node = current {
            guard node != id else { throw CategoryError.cycle }
            depth += 1
            current = tree.nodes[node]?.parentID
        }
        let subtreeHeight = Self.height(of: id, in: tree)
        guard depth - 1 + subtreeHeight <= Self.maximumDepth else { throw CategoryError.tooDeep }
    }

    private static func height(of id: UUID, in tree: CategoryIndex) -> Int {
        let children = tree.nodes.values.filter { $0.parentID == id }
        return 1 + (children.map { height(of: $0.id, in: tree) }.max() ?? 0)
    }

    private static func position(_ value: Int?) throws -> Int? {
        guard let value else { return nil }
        guard 0...maximumPosition ~= value else {
            throw InvalidField(name: "position", problem: "must be from 0 to \(maximumPosition)")
        }
        return value
    }

    private func refuseTaken(_ slug: String, except id: UUID?) async throws {
        var query = Category.query(on: db).filter(\.$slug == slug)
        if let id { query = query.filter(\.$id != id) }
        if try await query.count() > 0 { throw CategoryError.duplicateSlug(slug) }
    }

    /// Runs the write, turning the unique index's refusal (a race with another write) into a 409.
    private func saving(_ slug: String, _ write: () async throws -> Void) async throws {
        do {
            try await write()
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw CategoryError.duplicateSlug(slug)
        }
    }

    private func productIDs(in categoryID: UUID) async throws -> [UUID] {
        try await Product.query(on: db).filter(\.$category.$id == categoryID).all(\.$id)
    }

    private func published(products ids: [UUID]) async {
        await CatalogWriter.publish(ids, db: db, search: search, cache: cache, logger: logger)
    }
}

extension Request {
    /// The category tree's write side on the request's database, search and cache.
    var categoryWriter: CategoryWriter {
        CategoryWriter(db: db, search: application.searchEngine, cache: application.catalogCache, logger: logger)
    }
}
