import Fluent
import Foundation
import Vapor

/// The Admin API for products and their variants. `{product}` is a product's id or its current
/// slug. Reads carry the product's version as an `ETag`; every write to an existing product needs
/// it back in `If-Match` (428 without, 412 when the product changed since). Handlers decode, call
/// `CatalogWriter` and encode.
struct ProductAdminRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let products = routes.grouped("api", "v1", "admin", "products")
        products.admin(.GET, access: .permission(.catalogRead), use: list)
        // A description may be 20,000 characters and a product 100 variants: more than the 16 kB
        // default, and a body that long must be answered by the field limits, not cut off.
        let body = HTTPBodyStreamStrategy.collect(maxSize: "512kb")
        products.admin(.POST, access: .permission(.catalogWrite), body: body, use: create)
        products.admin(.GET, ":product", access: .permission(.catalogRead), use: show)
        products.admin(.PATCH, ":product", access: .permission(.catalogWrite), body: body, use: update)
        products.admin(.DELETE, ":product", access: .permission(.catalogWrite), use: delete)
        for (action, status) in [("publish", Product.Status.active), ("unpublish", .draft), ("archive", .archived)] {
            products.admin(.POST, ":product", .constant(action), access: .permission(.catalogWrite)) { req in
                try await Self.respond(
                    try await req.catalogWriter.setStatus(
                        try await Self.productID(req), status, expected: try Self.expected(req)), for: req)
            }
        }
        products.admin(
            .POST, ":product", "variants", access: .permission(.catalogWrite), body: body, use: addVariants)
        products.admin(
            .PATCH, ":product", "variants", ":variantId", access: .permission(.catalogWrite), use: updateVariant)
        products.admin(.PATCH, ":product", "images", ":imageId", access: .permission(.catalogWrite), use: updateImage)
        products.admin(.DELETE, ":product", "images", ":imageId", access: .permission(.catalogWrite), use: deleteImage)
    }

    /// The longest page of the products list.
    static let maximumPage = 200

    func list(req: Request) async throws -> AdminProductPage {
        let list = try AdminListQuery(req.queryParameters, maximumLimit: Self.maximumPage, maximumText: 200)
        var status: Product.Status?
        if let raw = req.queryParameters["status"] {
            guard let value = Product.Status(rawValue: raw) else {
                throw InvalidParameter(name: "status", problem: "must be draft, active or archived")
            }
            status = value
        }
        let items = try await req.catalogWriter.reader.list(list, status: status)
        return AdminProductPage(items: items, next: list.next(after: items.map(\.id)))
    }

    func create(req: Request) async throws -> Response {
        let body = try req.content.decode(ProductCreateBody.self)
        let (product, replayed) = try await req.catalogWriter.create(
            body, actor: try await req.staffPrincipal().actor, idempotencyKey: try req.idempotencyKey())
        let response = try await Self.respond(product, status: replayed ? .ok : .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/admin/products/\(product.id.uuidString)")
        if replayed { response.headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true") }
        return response
    }

    func show(req: Request) async throws -> Response {
        try await Self.respond(try await req.catalogWriter.reader.product(try await Self.productID(req)), for: req)
    }

    func update(req: Request) async throws -> Response {
        let id = try await Self.productID(req)
        let expected = try Self.expected(req)
        let patch = try req.content.decode(ProductPatchBody.self)
        return try await Self.respond(try await req.catalogWriter.update(id, patch, expected: expected), for: req)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let id = try await Self.productID(req)
        try await req.catalogWriter.delete(id, expected: try Self.expected(req))
        return .noContent
    }

    func addVariants(req: Request) async throws -> Response {
        let id = try await Self.productID(req)
        let expected = try Self.expected(req)
        let body = try req.content.decode(VariantAdditionBody.self)
        let product = try await req.catalogWriter.addVariants(
            to: id, body, expected: expected, actor: try await req.staffPrincipal().actor)
        return try await Self.respond(product, for: req)
    }

    func updateVariant(req: Request) async throws -> Response {
        let id = try await Self.productID(req)
        let variantID = try req.uuidParameter("variantId")
        let expected = try Self.expected(req)
        let patch = try req.content.decode(VariantPatchBody.self)
        return try await Self.respond(
            try await req.catalogWriter.updateVariant(variantID, of: id, patch, expected: expected), for: req)
    }

    func updateImage(req: Request) async throws -> Response {
        let id = try await Self.productID(req)
        let imageID = try req.uuidParameter("imageId")
        let expected = try Self.expected(req)
        let body = try req.content.decode(ImagePatchBody.self)
        return try await Self.respond(
            try await req.catalogWriter.updateImage(
                imageID, of: id, alt: body.alt, position: body.position, expected: expected), for: req)
    }

    func deleteImage(req: Request) async throws -> Response {
        let id = try await Self.productID(req)
        let imageID = try req.uuidParameter("imageId")
        return try await Self.respond(
            try await req.catalogWriter.deleteImage(imageID, of: id, expected: try Self.expected(req)), for: req)
    }

    /// The product as JSON with its version as the `ETag`.
    static func respond(_ product: AdminProductDTO, status: HTTPResponseStatus = .ok, for req: Request) async throws
        -> Response
    {
        let response = try await product.encodeResponse(status: status, for: req)
        response.headers.replaceOrAdd(name: .eTag, value: "\"\(product.version)\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// `{product}`: an id, or a current slug looked up; 404 for neither.
    static func productID(_ req: Request) async throws -> UUID {
        let raw = try req.parameters.require("product")
        if let id = UUID(uuidString: raw) { return id }
        guard raw.utf8.count <= ProductRules.maximumSlug,
            let product = try await Product.query(on: req.db).filter(\.$slug == raw).first()
        else { throw ProductAdminError.productNotFound }
        return try product.requireID()
    }

    /// What `If-Match` says the write is based on: `"<version>"` (weak or strong) or `*`.
    static func expected(_ req: Request) throws -> CatalogWriter.Expected {
        guard let raw = req.headers.first(name: .ifMatch)?.trimmingCharacters(in: .whitespaces) else {
            throw ProductAdminError.versionRequired
        }
        if raw == "*" { return .any }
        let tag = raw.hasPrefix("W/") ? String(raw.dropFirst(2)) : raw
        guard tag.count >= 3, tag.hasPrefix("\""), tag.hasSuffix("\""),
            let version = Int64(tag.dropFirst().dropLast()), version > 0
        else {
            throw InvalidParameter(name: "If-Match", problem: "must be the product's ETag, such as \"3\", or *")
        }
        return .version(version)
    }
}
