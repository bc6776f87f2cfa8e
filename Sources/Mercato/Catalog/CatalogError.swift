import Vapor

/// Catalogue lookups a client got wrong.
enum CatalogError: AppError, Equatable {
    /// No category with this slug.
    case unknownCategory(String)
    /// No active product with this slug (drafts and archived products are not public).
    case unknownProduct(String)
    /// The slug is one an active product had before staff changed it: answered with a 301.
    case productMoved(to: String)

    var code: String {
        switch self {
        case .unknownCategory, .unknownProduct: "not_found"
        case .productMoved: "moved_permanently"
        }
    }

    var status: HTTPResponseStatus {
        switch self {
        case .unknownCategory, .unknownProduct: .notFound
        case .productMoved: .movedPermanently
        }
    }

    var reason: String {
        switch self {
        case .unknownCategory(let slug): "no category '\(slug)'"
        case .unknownProduct(let slug): "no product '\(slug)'"
        case .productMoved(let slug): "the product is now at '\(slug)'"
        }
    }
}
