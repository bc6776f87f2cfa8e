import Foundation
import Testing

@testable import Mercato

@Suite struct MigrationScaffoldTests {
    /// A miniature `Sources/Mercato` with one migration and the registration list.
    private func makeSources() throws -> URL {
        let root = try TestSupport.temporaryDirectory()
        let manager = FileManager.default
        try manager.createDirectory(at: root.appendingPathComponent("App"), withIntermediateDirectories: true)
        try manager.createDirectory(
            at: root.appendingPathComponent("Platform/Migrations"), withIntermediateDirectories: true)
        try "struct CreateAuditEvents {}".write(
            to: root.appendingPathComponent("Platform/Migrations/0001_CreateAuditEvents.swift"), atomically: true,
            encoding: .utf8)
        try "[\n    CreateAuditEvents(),\n    // mercato:migrations-end\n]".write(
            to: root.appendingPathComponent("App/MigrationList.swift"), atomically: true, encoding: .utf8)
        return root
    }

    @Test func createsTheNextNumberedFileAndRegistersIt() throws {
        // setup
        let sources = try makeSources()
        defer { try? FileManager.default.removeItem(at: sources) }
        // MUT
        let file = try MigrationScaffold(sources: sources).create(name: "CreateProducts", domain: "Catalog")
        // validate
        #expect(file.path.hasSuffix("Catalog/Migrations/0002_CreateProducts.swift"))
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("struct CreateProducts: AsyncMigration"))
        #expect(text.contains(#"let name = "0002_create_products""#))
        let list = try String(contentsOf: sources.appendingPathComponent("App/MigrationList.swift"), encoding: .utf8)
        #expect(list.contains("CreateAuditEvents(),\n    CreateProducts(),\n"))
        #expect(list.contains(MigrationScaffold.listMarker))
    }

    @Test func refusesADuplicateName() throws {
        let sources = try makeSources()
        defer { try? FileManager.default.removeItem(at: sources) }
        #expect(throws: CommandFailure.self) {
            try MigrationScaffold(sources: sources).create(name: "CreateAuditEvents", domain: "Platform")
        }
    }

    @Test func namesMustBeTypeNames() {
        #expect(MigrationScaffold.isTypeName("CreateProducts"))
        #expect(!MigrationScaffold.isTypeName("create_products"))
        #expect(!MigrationScaffold.isTypeName("Create Products"))
        #expect(!MigrationScaffold.isTypeName("../Evil"))
        #expect(!MigrationScaffold.isTypeName(""))
        #expect(MigrationScaffold.snakeCase("UpdateProductsAddWeight") == "update_products_add_weight")
    }
}
