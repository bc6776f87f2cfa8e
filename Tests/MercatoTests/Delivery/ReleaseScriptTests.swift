import Foundation
import Testing

/// `scripts/release` as a maintainer runs it, in a throw-away git repository holding a copy of the
/// project's VERSION and CHANGELOG.md: the release and hotfix flows do what docs/releasing.md
/// says, and every bad input stops with a clear message and leaves the repository as it was.
@Suite struct ReleaseScriptTests {
    /// A git repository with `main` and `develop` at VERSION 0.1.0 and one unreleased note on develop.
    struct Repository {
        let directory: URL

        static func make() throws -> Repository {
            let directory = try TestSupport.temporaryDirectory()
            let repository = Repository(directory: directory)
            try repository.git("init", "-q", "-b", "main")
            try "0.1.0\n".write(to: directory.appendingPathComponent("VERSION"), atomically: true, encoding: .utf8)
            let changelog = try String(
                contentsOf: TestSupport.repositoryRoot.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
            // The project's own file with its Unreleased notes cleared: main never carries any.
            try repository.write("CHANGELOG.md", Self.replacingUnreleased(in: changelog, with: ""))
            try repository.git("add", ".")
            try repository.git("commit", "-q", "-m", "0.1.0")
            try repository.git("switch", "-q", "-c", "develop")
            try repository.addNote("### Added", "Wishlists.", message: "wishlists")
            return repository
        }

        static func replacingUnreleased(in changelog: String, with notes: String) -> String {
            var lines = changelog.components(separatedBy: "\n")
            guard let start = lines.firstIndex(of: "## [Unreleased]") else { return changelog }
            let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## [") } ?? lines.endIndex
            lines.replaceSubrange((start + 1)..<end, with: notes.isEmpty ? [""] : ["", notes, ""])
            return lines.joined(separator: "\n")
        }

        func addNote(_ heading: String, _ note: String, message: String) throws {
            let changelog = try read("CHANGELOG.md")
            let updated = changelog.replacingOccurrences(
                of: "## [Unreleased]\n", with: "## [Unreleased]\n\n\(heading)\n\n- \(note)\n",
                options: [], range: changelog.range(of: "## [Unreleased]\n"))
            try write("CHANGELOG.md", updated)
            try git("commit", "-q", "-a", "-m", message)
        }

        func read(_ path: String) throws -> String {
            try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
        }

        func write(_ path: String, _ text: String) throws {
            try text.write(to: directory.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }

        @discardableResult
        func git(_ arguments: String...) throws -> String {
            let outcome = try run("/usr/bin/env", ["git"] + arguments)
            guard outcome.status == 0 else {
                throw ScriptFailure(description: "git \(arguments.joined(separator: " ")): \(outcome.stderr)")
            }
            return outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func release(_ arguments: String...) throws -> CommandLineRunner.Outcome {
            try run(TestSupport.repositoryRoot.appendingPathComponent("scripts/release").path, arguments)
        }

        /// Everything a refusal must leave untouched: branches and where they point, tags, the
        /// checked-out branch, the files and the working tree's status.
        func state() throws -> String {
            [
                try git("for-each-ref", "--format=%(refname) %(objectname)"), try git("branch", "--show-current"),
                try read("VERSION"), try read("CHANGELOG.md"), try git("status", "--porcelain"),
            ].joined(separator: "\n--\n")
        }

        private func run(_ executable: String, _ arguments: [String]) throws -> CommandLineRunner.Outcome {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.currentDirectoryURL = directory
            process.environment = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "HOME": directory.path, "GIT_CONFIG_NOSYSTEM": "1", "RELEASE_DATE": "2026-12-01",
                "GIT_AUTHOR_NAME": "Release Test", "GIT_AUTHOR_EMAIL": "release@mercato.example",
                "GIT_COMMITTER_NAME": "Release Test", "GIT_COMMITTER_EMAIL": "release@mercato.example",
            ]
            let stdout = Pipe()
            let stderr = Pipe()
            process.standardOutput = stdout
            process.standardError = stderr
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let out = stdout.fileHandleForReading.readDataToEndOfFile()
            let err = stderr.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return CommandLineRunner.Outcome(
                status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                stderr: String(decoding: err, as: UTF8.self))
        }
    }

    struct ScriptFailure: Error, CustomStringConvertible {
        var description: String
    }

    @Test func releaseBranchBumpsVersionAndDatesTheNotesThenFinishTagsMainAndMergesBack() throws {
        // setup
        let repository = try Repository.make()
        defer { try? FileManager.default.removeItem(at: repository.directory) }
        // MUT: start
        let started = try repository.release("0.2.0")
        // validate
        #expect(started.status == 0, "\(started.stderr)")
        #expect(try repository.git("branch", "--show-current") == "release/0.2.0")
        #expect(try repository.read("VERSION") == "0.2.0\n")
        let changelog = try repository.read("CHANGELOG.md")
        #expect(changelog.contains("## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n\n### Added\n\n- Wishlists.\n"))
        #expect(changelog.contains("## [0.1.0] - 2026-11-26"))

        // setup: a note lands on develop while the release stabilises
        try repository.git("switch", "-q", "develop")
        try repository.addNote("### Added", "Gift cards.", message: "gift cards")
        // MUT: finish
        let finished = try repository.release("--finish", "0.2.0")
        // validate
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(finished.stdout.contains("git push origin main develop v0.2.0"))
        #expect(try repository.git("show", "main:VERSION") == "0.2.0")
        #expect(try repository.git("rev-parse", "v0.2.0^{commit}") == repository.git("rev-parse", "main"))
        #expect(try repository.git("branch", "--list", "release/*").isEmpty)
        #expect(try repository.read("VERSION") == "0.2.0\n")
        let developChangelog = try repository.read("CHANGELOG.md")
        #expect(
            developChangelog.contains(
                "## [Unreleased]\n\n### Added\n\n- Gift cards.\n\n## [0.2.0] - 2026-12-01\n\n### Added\n\n- Wishlists.\n"
            ))
        #expect(try !repository.git("show", "main:CHANGELOG.md").contains("Gift cards."))
    }

    @Test func hotfixBranchesFromMainAndItsSectionReachesDevelopAboveTheLastRelease() throws {
        // setup
        let repository = try Repository.make()
        defer { try? FileManager.default.removeItem(at: repository.directory) }
        // MUT
        let started = try repository.release("--hotfix", "0.1.1")
        try repository.write("fix.txt", "the fix\n")
        try repository.git("add", "fix.txt")
        try repository.addNote("### Fixed", "Checkout no longer double-charges.", message: "fix")
        let finished = try repository.release("--finish", "0.1.1")
        // validate
        #expect(started.status == 0, "\(started.stderr)")
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(try repository.git("show", "main:VERSION") == "0.1.1")
        #expect(try repository.git("rev-parse", "v0.1.1^{commit}") == repository.git("rev-parse", "main"))
        #expect(try repository.git("show", "main:fix.txt") == "the fix")
        let mainChangelog = try repository.git("show", "main:CHANGELOG.md")
        #expect(mainChangelog.contains("## [0.1.1] - 2026-12-01\n\n### Fixed\n\n- Checkout no longer double-charges."))
        #expect(!mainChangelog.contains("Wishlists."))
        let developChangelog = try repository.read("CHANGELOG.md")
        #expect(
            developChangelog.contains(
                "## [Unreleased]\n\n### Added\n\n- Wishlists.\n\n## [0.1.1] - 2026-12-01\n\n### Fixed\n"))
        #expect(try repository.git("branch", "--list", "hotfix/*").isEmpty)
    }

    @Test(arguments: ["1.2", "v0.2.0", "01.2.0", "0.2.0-rc.1", "0.2.x", ""])
    func malformedVersionIsRefusedAndChangesNothing(version: String) throws {
        // setup
        let repository = try Repository.make()
        defer { try? FileManager.default.removeItem(at: repository.directory) }
        let before = try repository.state()
        // MUT
        let outcome = try repository.release(version)
        // validate
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("is not a version of the form MAJOR.MINOR.PATCH"))
        #expect(try repository.state() == before)
    }

    @Test(arguments: ["0.1.0", "0.0.9"])
    func versionNotGreaterThanTheCurrentOneIsRefusedAndChangesNothing(version: String) throws {
        // setup
        let repository = try Repository.make()
        defer { try? FileManager.default.removeItem(at: repository.directory) }
        let before = try repository.state()
        // MUT
        let release = try repository.release(version)
        let hotfix = try repository.release("--hotfix", version)
        // validate
        #expect(release.status != 0)
        #expect(
            release.stderr.contains("\(version) is not greater than the current version 0.1.0 (VERSION on develop)"))
        #expect(hotfix.status != 0)
        #expect(hotfix.stderr.contains("\(version) is not greater than the current version 0.1.0 (VERSION on main)"))
        #expect(try repository.state() == before)
    }

    @Test func dirtyWorkingTreeIsRefusedAndChangesNothing() throws {
        // setup: an edited tracked file and an untracked one
        let repository = try Repository.make()
        defer { try? FileManager.default.removeItem(at: repository.directory) }
        try repository.write("VERSION", "0.1.0\n# edited\n")
        try repository.write("notes.txt", "draft\n")
        let before = try repository.state()
        // MUT
        let outcome = try repository.release("0.2.0")
        // validate
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("the working tree has uncommitted changes"))
        #expect(try repository.state() == before)
    }

    @Test func missingDevelopBranchIsRefusedAndChangesNothing() throws {
        // setup
        let repository = try Repository.make()
        defer { try? FileManager.default.removeItem(at: repository.directory) }
        try repository.git("switch", "-q", "main")
        try repository.git("branch", "-q", "-D", "develop")
        let before = try repository.state()
        // MUT
        let outcome = try repository.release("0.2.0")
        // validate
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("there is no 'develop' branch"))
        #expect(try repository.state() == before)
    }

    @Test func emptyUnreleasedSectionAndExistingTagAreRefusedAndChangeNothing() throws {
        // setup: develop's note released once already, so [Unreleased] is empty and v0.2.0 exists
        let repository = try Repository.make()
        defer { try? FileManager.default.removeItem(at: repository.directory) }
        #expect(try repository.release("0.2.0").status == 0)
        #expect(try repository.release("--finish", "0.2.0").status == 0)
        let before = try repository.state()
        // MUT
        let nothingToRelease = try repository.release("0.3.0")
        let tagExists = try repository.release("--hotfix", "0.2.0")
        let nothingToFinish = try repository.release("--finish", "0.2.1")
        // validate
        #expect(nothingToRelease.status != 0)
        #expect(nothingToRelease.stderr.contains("[Unreleased] section on develop is empty"))
        #expect(tagExists.status != 0)
        #expect(tagExists.stderr.contains("tag v0.2.0 already exists"))
        #expect(nothingToFinish.status != 0)
        #expect(nothingToFinish.stderr.contains("there is no release/0.2.1 or hotfix/0.2.1 branch to finish"))
        #expect(try repository.state() == before)
    }

    @Test func hotfixWithoutAChangelogNoteIsNotFinished() throws {
        // setup: a hotfix branch whose fix came without its note
        let repository = try Repository.make()
        defer { try? FileManager.default.removeItem(at: repository.directory) }
        #expect(try repository.release("--hotfix", "0.1.1").status == 0)
        let before = try repository.state()
        // MUT
        let outcome = try repository.release("--finish", "0.1.1")
        // validate
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("CHANGELOG.md on hotfix/0.1.1 has no notes under [Unreleased]"))
        #expect(try repository.state() == before)
        #expect(throws: ScriptFailure.self) { try repository.git("rev-parse", "--verify", "--quiet", "v0.1.1") }
    }
}
