import Foundation
import Vapor

/// The Admin API for the category tree: list, create, rename/move/reorder and delete. Handlers
/// decode, call `CategoryWriter` and encode.
struct CategoryAdminRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let categories = routes.grouped("api", "v1", "admin", "categories")
        categories.admin(.GET, access: .permission(.catalogRead)) { req in
            CategoryList(items: try await req.categoryWriter.list())
        }
        categories.admin(.POST, access: .permission(.catalogWrite)) { req in
            try await req.categoryWriter.create(try req.content.decode(CategoryBody.self))
                .encodeResponse(status: .created, for: req)
        }
        categories.admin(.PATCH, ":categoryId", access: .permission(.catalogWrite)) { req in
            let id = try req.uuidParameter("categoryId")
            return try await req.categoryWriter.update(id, try req.content.decode(CategoryBody.self))
        }
        categories.admin(.DELETE, ":categoryId", access: .permission(.catalogWrite)) { req -> HTTPStatus in
            let id = try req.uuidParameter("categoryId")
            var target: UUID?
            if let raw = req.queryParameters["reassignTo"] {
                guard let value = UUID(uuidString: raw) else {
                    throw InvalidParameter(name: "reassignTo", problem: "must be the id of another existing category")
                }
                target = value
            }
            try await req.categoryWriter.delete(id, reassignTo: target)
            return .noContent
        }
    }

    /// Every category, in sibling order.
    struct CategoryList: Content {
        var items: [AdminCategoryDTO]
    }
}
