import Fluent
import Foundation

/// A node of the category tree.
final class Category: Model, @unchecked Sendable {
    static let schema = "categories"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "slug") var slug: String
    @OptionalParent(key: "parent_id") var parent: Category?
    @Field(key: "position") var position: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(id: UUID? = nil, name: String, slug: String, parentID: UUID?, position: Int, createdAt: Date = Date()) {
        self.id = id
        self.name = name
        self.slug = slug
        self.$parent.id = parentID
        self.position = position
        self.createdAt = createdAt
    }
}
