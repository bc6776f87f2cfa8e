import Vapor

/// Catalogue lookups a client got wrong.
enum CatalogError: AppError, Equatable {
    /// No category with this slug.
    case unknownCategory(String)
    /// No active product with this slug (drafts and archived products are not public).
    case unknownProduct(String)

    var code: String { "not_found" }
    var status: HTTPResponseStatus { .notFound }

    var reason: String {
        switch self {
        case .unknownCategory(let slug): "no category '\(slug)'"
        case .unknownProduct(let slug): "no product '\(slug)'"
        }
    }
}
