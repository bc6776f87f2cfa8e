import Foundation

/// Writes a new migration file, numbered after the highest existing one, and adds it to the end of
/// `MigrationList` so it can't be forgotten.
struct MigrationScaffold {
    static let listMarker = "// mercato:migrations-end"
    let sources: URL

    static func isTypeName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("A"..."Z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0)
        }
    }

    /// `CreateProductVariants` → `create_product_variants`.
    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase, !result.isEmpty { result.append("_") }
            result.append(contentsOf: character.lowercased())
        }
        return result
    }

    /// - Returns: the new file's URL.
    /// - Throws: `CommandFailure` naming the problem; nothing is written then.
    func create(name: String, domain: String) throws -> URL {
        let existing = try migrationFiles()
        if existing.contains(where: { $0.lastPathComponent.hasSuffix("_\(name).swift") }) {
            throw CommandFailure("a migration named \(name) already exists")
        }
        let listFile = sources.appendingPathComponent("App/MigrationList.swift")
        guard let list = try? String(contentsOf: listFile, encoding: .utf8), list.contains(Self.listMarker) else {
            throw CommandFailure("\(listFile.path) is missing or lacks the '\(Self.listMarker)' marker")
        }
        let number = (existing.compactMap { Int($0.lastPathComponent.prefix(4)) }.max() ?? 0) + 1
        let prefix = String(format: "%04d", number)
        let folder = sources.appendingPathComponent(domain).appendingPathComponent("Migrations")
        let file = folder.appendingPathComponent("\(prefix)_\(name).swift")

        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try template(name: name, stableName: "\(prefix)_\(Self.snakeCase(name))").write(
            to: file, atomically: true, encoding: .utf8)
        try Self.register(name, in: list).write(to: listFile, atomically: true, encoding: .utf8)
        return file
    }

    /// Adds `Name(),` on the line before the marker, with the indentation of the marker, and makes
    /// sure the entry before it ends with a comma (a formatter may have dropped it).
    static func register(_ name: String, in list: String) -> String {
        var lines = list.components(separatedBy: "\n")
        guard let markerIndex = lines.firstIndex(where: { $0.contains(listMarker) }) else { return list }
        let indentation = String(lines[markerIndex].prefix { $0 == " " })
        if let previous = lines[..<markerIndex].lastIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
            !lines[previous].hasSuffix(","), !lines[previous].hasSuffix("[")
        {
            lines[previous] += ","
        }
        lines.insert("\(indentation)\(name)(),", at: markerIndex)
        return lines.joined(separator: "\n")
    }

    private func migrationFiles() throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else {
            throw CommandFailure(
                "source folder \(sources.path) not found; run from the repository root or pass --sources")
        }
        return enumerator.compactMap { $0 as? URL }.filter { url in
            url.pathExtension == "swift" && url.deletingLastPathComponent().lastPathComponent == "Migrations"
                && url.lastPathComponent.prefix(4).allSatisfy(\.isNumber)
        }
    }

    private func template(name: String, stableName: String) -> String {
        """
        import Fluent

        /// TODO(author): say which table this changes and why.
        struct \(name): AsyncMigration {
            let name = "\(stableName)"

            func prepare(on database: any Database) async throws {
                // Portable across SQLite and PostgreSQL: use the schema builder, not raw dialect SQL.
            }

            func revert(on database: any Database) async throws {
                // Undo exactly what prepare did, so `mercato migrate --revert` leaves no trace.
            }
        }

        """
    }
}
