import Foundation
import SQLKit

/// The whole category tree in memory (shops have hundreds of categories, not millions): children,
/// descendants for "this category and below" filters, and breadcrumbs.
struct CategoryIndex: Sendable {
    struct Node: Sendable, Codable {
        var id: UUID
        var name: String
        var slug: String
        var parentID: UUID?
        var position: Int
    }

    let nodes: [UUID: Node]
    private let children: [UUID?: [Node]]

    init(nodes: [Node]) {
        self.nodes = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id, $0) })
        children = Dictionary(grouping: nodes, by: \.parentID).mapValues {
            $0.sorted { ($0.position, $0.name) < ($1.position, $1.name) }
        }
    }

    static func load(from sql: any SQLDatabase) async throws -> CategoryIndex {
        let rows = try await sql.raw("SELECT id, name, slug, parent_id, position FROM categories").all()
        return CategoryIndex(
            nodes: try rows.map { row in
                Node(
                    id: try row.decode(column: "id", as: UUID.self),
                    name: try row.decode(column: "name", as: String.self),
                    slug: try row.decode(column: "slug", as: String.self),
                    parentID: try row.decode(column: "parent_id", as: UUID?.self),
                    position: try row.decode(column: "position", as: Int.self))
            })
    }

    func node(slug: String) -> Node? {
        nodes.values.first { $0.slug == slug }
    }

    /// The category and everything below it.
    func subtreeIDs(of id: UUID) -> [UUID] {
        var result = [id]
        var queue = [id]
        while let next = queue.popLast() {
            let below = (children[next] ?? []).map(\.id)
            result += below
            queue += below
        }
        return result
    }

    /// Root first, the category itself last.
    func breadcrumbs(of id: UUID) -> [CatalogDTO.CategoryReference] {
        var trail: [CatalogDTO.CategoryReference] = []
        var current = nodes[id]
        while let node = current, trail.count < 32 {
            trail.insert(CatalogDTO.CategoryReference(id: node.id, slug: node.slug, name: node.name), at: 0)
            current = node.parentID.flatMap { nodes[$0] }
        }
        return trail
    }

    var tree: CatalogDTO.CategoryTree {
        func build(_ parent: UUID?) -> [CatalogDTO.CategoryNode] {
            (children[parent] ?? []).map {
                CatalogDTO.CategoryNode(id: $0.id, slug: $0.slug, name: $0.name, children: build($0.id))
            }
        }
        return CatalogDTO.CategoryTree(categories: build(nil))
    }
}
