import ArgumentParser
import Foundation
import Testing

@testable import Mercato

/// docs/runbook.md names only commands that exist: our scripts, and `mercato` subcommands of the real
/// command tree with options it accepts. An operator following it at 3 a.m. must never meet "no such command".
@Suite struct RunbookTests {
    static let runbookURL = TestSupport.repositoryRoot.appendingPathComponent("docs/runbook.md")

    @Test func everyCommandInTheRunbookExists() throws {
        // setup
        let runbook = try String(contentsOf: Self.runbookURL, encoding: .utf8)
        // MUT
        let commands = RunbookCommands.extract(from: runbook)
        let problems = RunbookCommands.problems(in: commands, repositoryRoot: TestSupport.repositoryRoot)
        // validate
        #expect(commands.count >= 10, "expected the runbook's commands, found \(commands.count)")
        #expect(problems.isEmpty, "docs/runbook.md:\n\(problems.joined(separator: "\n"))")
    }

    @Test func runbookCoversEveryStageOfADeployment() throws {
        let runbook = try String(contentsOf: Self.runbookURL, encoding: .utf8)
        let commands = RunbookCommands.extract(from: runbook).map { $0.words.joined(separator: " ") }
        for heading in [
            "## 1. Pre-deployment checks", "Database migration", "Backend and frontend", "CDN invalidation",
            "## 3. Post-deployment verification", "## 4. Rollback", "### Application", "### Database",
            "## 5. Incident communication",
        ] {
            #expect(runbook.contains(heading), "the runbook has no '\(heading)'")
        }
        for command in [
            "mercato preflight", "scripts/deploy production", "mercato smoke --base-url", "scripts/rollback production",
            "scripts/rollback production --revert-migrations 1", "mercato migrate --env production --revert",
        ] {
            #expect(commands.contains { $0.hasPrefix(command) }, "the runbook never runs '\(command)'")
        }
    }

    @Test func checkerNamesEveryCommandThatDoesNotExist() throws {
        // setup
        let markdown = """
            Prose mentioning `curl` is not a command.

            ```sh
            # a comment
            scripts/deploy production 1.4.0
            scripts/teleport production
            mercato frobnicate --env production
            mercato migrate --env production \\
              --no-such-flag
            mercato config print --env production
            aws ecs update-service --cluster mercato-production
            SMOKE_BASE_URL=https://example.com scripts/deploy staging 1.4.0
            ```
            """
        // MUT
        let commands = RunbookCommands.extract(from: markdown)
        let problems = RunbookCommands.problems(
            in: commands, repositoryRoot: TestSupport.repositoryRoot)
        // validate
        #expect(commands.count == 7)
        #expect(problems.count == 4, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("line 6:") && $0.contains("scripts/teleport") })
        #expect(
            problems.contains { $0.hasPrefix("line 7:") && $0.contains("'frobnicate' is not a mercato subcommand") })
        #expect(problems.contains { $0.hasPrefix("line 8:") && $0.contains("--no-such-flag") })
        #expect(problems.contains { $0.hasPrefix("line 11:") && $0.contains("`aws`") })
    }
}

/// One command from a fenced code block: its first line number and its words, leading `VAR=value`s removed.
struct RunbookCommand {
    var line: Int
    var words: [String]
}

/// Reads commands out of Markdown code blocks and checks each against the repository and the command tree.
enum RunbookCommands {
    static func extract(from markdown: String) -> [RunbookCommand] {
        var commands: [RunbookCommand] = []
        var inBlock = false
        var continued: RunbookCommand?
        for (index, rawLine) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") {
                inBlock.toggle()
                continue
            }
            guard inBlock, !line.isEmpty, !line.hasPrefix("#") else { continue }
            let joinsNext = line.hasSuffix("\\")
            let words = (joinsNext ? String(line.dropLast()) : line).split(whereSeparator: \.isWhitespace).map(
                String.init)
            var command = continued ?? RunbookCommand(line: index + 1, words: [])
            command.words += words
            if joinsNext {
                continued = command
            } else {
                continued = nil
                command.words = Array(command.words.drop { isVariableAssignment($0) })
                commands.append(command)
            }
        }
        return commands
    }

    static func problems(in commands: [RunbookCommand], repositoryRoot: URL) -> [String] {
        commands.compactMap { command in
            problem(with: command, repositoryRoot: repositoryRoot).map {
                "line \(command.line): \($0)"
            }
        }
    }

    private static func problem(with command: RunbookCommand, repositoryRoot: URL) -> String? {
        guard let program = command.words.first else { return "an empty command" }
        let arguments = Array(command.words.dropFirst())
        if program.hasPrefix("scripts/") {
            let path = repositoryRoot.appendingPathComponent(program).path
            return FileManager.default.isExecutableFile(atPath: path)
                ? nil : "\(program) doesn't exist or isn't executable"
        }
        guard program == "mercato" else {
            return "`\(program)` is not one of our commands (scripts/… or mercato SUBCOMMAND)"
        }
        guard let subcommand = arguments.first else { return "`mercato` without a subcommand" }
        let registered = MercatoCommand.configuration.subcommands.compactMap { $0.configuration.commandName }
        guard registered.contains(subcommand) else {
            return "'\(subcommand)' is not a mercato subcommand (registered: \(registered.joined(separator: ", ")))"
        }
        do {
            _ = try MercatoCommand.parseAsRoot(arguments)
            return nil
        } catch {
            return "`mercato \(arguments.joined(separator: " "))` is refused: \(MercatoCommand.message(for: error))"
        }
    }

    private static func isVariableAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        return word[..<equals].allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" }
    }
}
