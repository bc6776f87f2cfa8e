import Foundation
import Testing

/// The seams `docs/architecture.md` describes, checked in the source: each rule names the file
/// and line that breaks it, so a refactor that crosses a seam fails here instead of in review.
@Suite struct ArchitectureTests {
    static let sources = TestSupport.repositoryRoot.appendingPathComponent("Sources")
    static let application = sources.appendingPathComponent("Mercato")

    @Test func onlyInventoryTouchesStockLevels() throws {
        // Inside Inventory/, the documented read model (InventoryReadModel: SQL fragments other domains
        // join for listing filters) is the one way others read the table.
        let offences = try SourceFile.all(under: Self.application).filter { !$0.path.hasPrefix("Inventory/") }
            .flatMap { $0.lines(matching: #"inventory_levels|inventory_movements|InventoryLevel\b"#) }
        #expect(offences.isEmpty, "stock is read and written through InventoryService:\n\(offences.report)")
    }

    @Test func onlyOrdersWritesOrders() throws {
        let writes =
            #"(UPDATE|INSERT INTO|DELETE FROM)\s+(orders|order_lines|order_transitions)\b"#
            + #"|\bOrder(Line|Transition)?\(\)|OrderTransition\(orderID"#
        let offences = try SourceFile.all(under: Self.application).filter { !$0.path.hasPrefix("Orders/") }
            .flatMap { $0.lines(matching: writes) }
        #expect(offences.isEmpty, "order state changes go through OrderService:\n\(offences.report)")
    }

    @Test func onlyStaffTouchesStaffTables() throws {
        // Who may do what is decided in one place; the `staff` command calls the same services.
        let pattern =
            #"\bstaff_(members|roles|sessions|access_tokens|api_keys|recovery_codes)\b"#
            + #"|\bStaff(Member|CustomRole|Session|AccessToken|APIKey|RecoveryCode)\b(\(|\.query)"#
        let offences = try SourceFile.all(under: Self.application).filter {
            !$0.path.hasPrefix("Staff/") && $0.path != "App/Commands/StaffCommand.swift"
        }.flatMap { $0.lines(matching: pattern) }
        #expect(offences.isEmpty, "staff tables are read and written through Staff/:\n\(offences.report)")
    }

    @Test func ordersNeverReachIntoPayments() throws {
        // Payments calls Orders; the other direction would make the two one tangle again.
        let paymentTypes = try SourceFile.all(under: Self.application.appendingPathComponent("Payments"))
            .flatMap(\.declaredTypes)
        let pattern = #"\b("# + paymentTypes.joined(separator: "|") + #")\b|\.(paymentFlow|payments)\b"#
        let offences = try SourceFile.all(under: Self.application).filter { $0.path.hasPrefix("Orders/") }
            .flatMap { $0.lines(matching: pattern) }
        #expect(!paymentTypes.isEmpty)
        #expect(offences.isEmpty, "Orders/ names a Payments/ type:\n\(offences.report)")
    }

    @Test func storefrontPagesHoldNoDataAccess() throws {
        let offences = try SourceFile.all(under: Self.application.appendingPathComponent("Storefront/Pages"))
            .flatMap { $0.lines(matching: #"\.query\(on:|\breq\.db\b|\bapp\.db\b|\bapplication\.db\b|\.sql\b"#) }
        #expect(offences.isEmpty, "pages reach data through services (req.carts, req.orders…):\n\(offences.report)")
    }

    @Test func noCodeOutsidePaymentsNamesAConcreteProvider() throws {
        let offences = try SourceFile.all(under: Self.application).filter {
            !$0.path.hasPrefix("Payments/") && $0.path != "App/AdapterSetup.swift"
        }.flatMap { $0.lines(matching: #"\b(TestPaymentProvider|StripePaymentProvider)\b"#) }
        #expect(offences.isEmpty, "go through the PaymentProvider port:\n\(offences.report)")
    }

    @Test func settingsAreReadThroughTypedSettings() throws {
        let offences = try SourceFile.all(under: Self.application).filter { !$0.path.hasPrefix("Settings/") }
            .flatMap { $0.lines(matching: #"\.resolved\.first|\.resolved\.filter|resolved\[\""#) }
        #expect(offences.isEmpty, "read settings through their typed structs:\n\(offences.report)")
    }

    @Test func protocolClientsStayIndependentOfTheApplication() throws {
        let offences = try ["RedisClient", "AWSClient", "StripeClient", "SMTPClient"].flatMap { target in
            try SourceFile.all(under: Self.sources.appendingPathComponent(target))
        }.flatMap { $0.lines(matching: #"^\s*(@testable\s+)?import\s+(Vapor|Mercato|Fluent|Leaf)\b"#) }
        #expect(offences.isEmpty, "protocol clients depend on SwiftNIO and friends only:\n\(offences.report)")
    }

    @Test func servicesThrowTypedErrors() throws {
        let offences = try SourceFile.all(under: Self.application).filter { $0.path.hasSuffix("Service.swift") }
            .flatMap { $0.lines(matching: #"\bAbort\("#) }
        #expect(offences.isEmpty, "a service throws an AppError a caller can name:\n\(offences.report)")
    }

    @Test func filesStayUnderFourHundredLines() throws {
        let offences = try
            (SourceFile.all(under: Self.sources)
            + SourceFile.all(
                under: TestSupport.repositoryRoot
                    .appendingPathComponent("Tests")))
            .filter { $0.lines.count > 400 }.map { Offence(file: $0.path, line: $0.lines.count, text: "lines") }
        #expect(offences.isEmpty, "split files over 400 lines:\n\(offences.report)")
    }

    /// Application and client code; a conformance test walking every documented operation in one
    /// sequence is allowed to be long.
    @Test func functionsStayUnderEightyLines() throws {
        let offences = try SourceFile.all(under: Self.sources)
            .flatMap { file in
                file.functionLengths().filter { $0.length > 80 }.map {
                    Offence(file: file.path, line: $0.line, text: "\($0.name): \($0.length) lines")
                }
            }
        #expect(offences.isEmpty, "split functions over 80 lines:\n\(offences.report)")
    }

    @Test func theCheckerSeesWhatItLooksFor() throws {
        // setup: a file that breaks the length rules, as the checker reads it
        let body = (1...81).map { "    let value\($0) = \($0)" }.joined(separator: "\n")
        let file = SourceFile(path: "Probe.swift", text: "struct Probe {\n    func long() {\n\(body)\n    }\n}\n")
        // MUT
        let lengths = file.functionLengths()
        // validate
        #expect(lengths.map(\.name) == ["long"])
        #expect(lengths.first?.length == 83)
        #expect(file.declaredTypes == ["Probe"])
        #expect(file.lines(matching: #"value81 ="#).map(\.line) == [83])
    }
}

/// One rule broken at one place.
struct Offence {
    var file: String
    var line: Int
    var text: String
}

extension [Offence] {
    var report: String { map { "\($0.file):\($0.line): \($0.text)" }.joined(separator: "\n") }
}

/// A Swift file as the rules read it: its path under the folder searched, and its lines.
struct SourceFile {
    var path: String
    var lines: [String]

    init(path: String, text: String) {
        self.path = path
        self.lines = text.components(separatedBy: "\n")
    }

    static func all(under folder: URL) throws -> [SourceFile] {
        let root = folder.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        return try walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().map {
            SourceFile(path: $0, text: try String(contentsOfFile: root + "/" + $0, encoding: .utf8))
        }
    }

    /// Lines matching `pattern`, comments aside (doc comments may name what they forbid).
    func lines(matching pattern: String) -> [Offence] {
        let expression = try? NSRegularExpression(pattern: pattern)
        return lines.enumerated().compactMap { index, line in
            let code = Self.withoutComment(line)
            let range = NSRange(code.startIndex..., in: code)
            guard expression?.firstMatch(in: code, range: range) != nil else { return nil }
            return Offence(file: path, line: index + 1, text: line.trimmingCharacters(in: .whitespaces))
        }
    }

    /// Names of the top-level types this file declares (nested ones like `Status` are too generic to look for).
    var declaredTypes: [String] {
        let expression = try? NSRegularExpression(
            pattern:
                #"^(?:public |internal |private |fileprivate |final |indirect )*(?:struct|enum|class|protocol|actor)\s+(\w+)"#
        )
        return lines.compactMap { line in
            let range = NSRange(line.startIndex..., in: line)
            guard let match = expression?.firstMatch(in: line, range: range),
                let name = Range(match.range(at: 1), in: line)
            else { return nil }
            return String(line[name])
        }
    }

    /// Each function's first line and its length from `func` to its closing brace. Requirements
    /// in a protocol have no body and are skipped; braces in strings and comments don't count.
    func functionLengths() -> [(name: String, line: Int, length: Int)] {
        enum Block { case function(name: String, line: Int), protocolBody, other }
        let function = try? NSRegularExpression(pattern: #"\bfunc\s+([^\s(<]+)"#)
        let protocolDeclaration = try? NSRegularExpression(
            pattern: #"^\s*(?:public |private |fileprivate )?protocol\s"#)
        var results: [(name: String, line: Int, length: Int)] = []
        var blocks: [Block] = []
        var pendingFunction: (name: String, line: Int)?
        var pendingProtocol = false
        for (index, code) in Self.codeOnly(lines).enumerated() {
            let range = NSRange(code.startIndex..., in: code)
            if let match = function?.firstMatch(in: code, range: range), let name = Range(match.range(at: 1), in: code)
            {
                if case .protocolBody = blocks.last {
                    pendingFunction = nil
                } else {
                    pendingFunction = (String(code[name]), index + 1)
                }
            }
            if protocolDeclaration?.firstMatch(in: code, range: range) != nil { pendingProtocol = true }
            for character in code {
                if character == "{" {
                    if let pending = pendingFunction {
                        blocks.append(.function(name: pending.name, line: pending.line))
                        pendingFunction = nil
                    } else if pendingProtocol {
                        blocks.append(.protocolBody)
                        pendingProtocol = false
                    } else {
                        blocks.append(.other)
                    }
                } else if character == "}", let closed = blocks.popLast(), case .function(let name, let line) = closed {
                    results.append((name, line, index + 2 - line))
                }
            }
        }
        return results
    }

    /// The lines with string literals and comments blanked out, tracked across lines.
    static func codeOnly(_ lines: [String]) -> [String] {
        var inMultilineString = false
        var inBlockComment = false
        return lines.map { line in
            var code = ""
            var characters = Array(line)[...]
            var inString = false
            while let character = characters.first {
                let next = String(characters.prefix(3))
                if inBlockComment {
                    if next.hasPrefix("*/") { inBlockComment = false }
                    characters = characters.dropFirst(next.hasPrefix("*/") ? 2 : 1)
                } else if inMultilineString {
                    if next == "\"\"\"" { inMultilineString = false }
                    characters = characters.dropFirst(next == "\"\"\"" ? 3 : character == "\\" ? 2 : 1)
                } else if inString {
                    if character == "\"" { inString = false }
                    characters = characters.dropFirst(character == "\\" ? 2 : 1)
                } else if next == "\"\"\"" {
                    inMultilineString = true
                    characters = characters.dropFirst(3)
                } else if next.hasPrefix("//") {
                    break
                } else if next.hasPrefix("/*") {
                    inBlockComment = true
                    characters = characters.dropFirst(2)
                } else {
                    if character == "\"" { inString = true } else { code.append(character) }
                    characters = characters.dropFirst()
                }
            }
            return code
        }
    }

    private static func withoutComment(_ line: String) -> String {
        guard let range = line.range(of: "//") else { return line }
        // `//` inside a string literal ("https://…") is not a comment.
        let before = line[..<range.lowerBound]
        return before.filter({ $0 == "\"" }).count % 2 == 0 ? String(before) : line
    }
}
