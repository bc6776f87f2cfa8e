import Fluent
import Foundation
import Vapor

/// The Admin API for stock: a variant's level, corrections with a reason, its ledger, low-stock
/// thresholds and the low-stock list. Handlers decode, call `InventoryService` and encode.
struct InventoryAdminRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let inventory = routes.grouped("api", "v1", "admin", "inventory")
        inventory.admin(.GET, "low-stock", access: .permission(.inventoryRead), use: lowStock)
        inventory.admin(.GET, ":variantId", access: .permission(.inventoryRead), use: show)
        inventory.admin(.POST, ":variantId", "adjustments", access: .permission(.inventoryWrite), use: adjust)
        inventory.admin(.GET, ":variantId", "movements", access: .permission(.inventoryRead), use: movements)
        inventory.admin(
            .PUT, ":variantId", "low-stock-threshold", access: .permission(.inventoryWrite), use: setThreshold)
    }

    /// A correction's answer: the level now and the ledger row the correction wrote.
    struct AdjustmentDTO: Content {
        var level: InventoryLevelDTO
        var movement: StockMovementRecord
    }

    func show(req: Request) async throws -> InventoryLevelDTO {
        try await labelled(try await req.inventory.level(of: try req.uuidParameter("variantId")), on: req)
    }

    func adjust(req: Request) async throws -> Response {
        let variantID = try req.uuidParameter("variantId")
        let key = try req.idempotencyKey()
        let (correction, change) = try req.content.decode(StockAdjustmentBody.self)
            .validated(actor: try await req.staffPrincipal().actor, idempotencyKey: key)
        let result = try await req.inventory.apply(correction, to: variantID, change)
        if !result.replayed {
            let before = result.movement.onHandAfter - result.movement.deltaOnHand - result.movement.reservedAfter
            await req.application.catalogCache.retireStock(
                ofProducts: [result.level.productID],
                availabilityCrossedZero: (before > 0) != (result.level.available > 0),
                on: req.db, logger: req.logger)
        }
        let body = AdjustmentDTO(
            level: try await labelled(result.level, on: req), movement: result.movement)
        let response = try await body.encodeResponse(status: result.replayed ? .ok : .created, for: req)
        if result.replayed { response.headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true") }
        return response
    }

    func movements(req: Request) async throws -> InventoryPage<StockMovementRecord> {
        let variantID = try req.uuidParameter("variantId")
        let limit = try Self.limit(of: req)
        var before: Int64?
        if let cursor = req.query[String.self, at: "before"] {
            guard let id = Int64(cursor), id > 0 else {
                throw InvalidParameter(name: "before", problem: "must be a movement id from an earlier page")
            }
            before = id
        }
        let rows = try await req.inventory.movements(of: variantID, before: before, limit: limit)
        return InventoryPage(
            items: rows, next: rows.count == limit ? rows.last.map { "\($0.id)" } : nil)
    }

    func setThreshold(req: Request) async throws -> InventoryLevelDTO {
        let variantID = try req.uuidParameter("variantId")
        let body = try req.content.decode(LowStockThresholdBody.self)
        if let threshold = body.threshold, !(0...InventoryService.maximumOnHand ~= threshold) {
            throw InvalidField(
                name: "threshold", problem: "must be from 0 to \(InventoryService.maximumOnHand) or null")
        }
        return try await labelled(try await req.inventory.setLowStockThreshold(variantID, to: body.threshold), on: req)
    }

    func lowStock(req: Request) async throws -> InventoryPage<InventoryLevelDTO> {
        let limit = try Self.limit(of: req)
        var after: (available: Int, variantID: UUID)?
        if let cursor = req.query[String.self, at: "after"] {
            let parts = cursor.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, let available = Int(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
                throw InvalidParameter(name: "after", problem: "must be the next cursor of an earlier page")
            }
            after = (available, id)
        }
        let levels = try await req.inventory.lowStock(after: after, limit: limit)
        let labels = try await VariantLabel.read(try levels.map { try $0.requireID() }, on: req.db)
        let items = try levels.map { try InventoryLevelDTO($0, label: labels[try $0.requireID()]) }
        let next = levels.count == limit ? items.last.map { "\($0.available)_\($0.variantId)" } : nil
        return InventoryPage(items: items, next: next)
    }

    private func labelled(_ level: InventoryLevel, on req: Request) async throws -> InventoryLevelDTO {
        let id = try level.requireID()
        return try InventoryLevelDTO(level, label: try await VariantLabel.read([id], on: req.db)[id])
    }

    private static func limit(of req: Request) throws -> Int {
        guard let text = req.query[String.self, at: "limit"] else { return 50 }
        guard let limit = Int(text), 1...InventoryService.maximumPage ~= limit else {
            throw InvalidParameter(name: "limit", problem: "must be from 1 to \(InventoryService.maximumPage)")
        }
        return limit
    }
}
