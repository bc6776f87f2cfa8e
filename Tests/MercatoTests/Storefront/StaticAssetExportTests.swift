import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// `mercato assets export DIR` writes exactly what the app serves under `/static/`, so the copy
/// scripts/deploy puts in the CDN's bucket answers every URL a page links to, byte for byte.
@Suite struct StaticAssetExportTests {
    /// The folder's files by name.
    private func filesIn(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            files[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        return files
    }

    @Test func exportedFilesAreTheOnesTheAppServes() async throws {
        // setup
        let scratch = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let target = scratch.appendingPathComponent("static")
        // MUT
        let outcome = try CommandLineRunner.run(["assets", "export", target.path, "--json"])
        // validate
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let manifest = try JSONDecoder().decode(StaticAssetExport.Manifest.self, from: Data(outcome.stdout.utf8))
        let exported = try filesIn(target)
        #expect(!exported.isEmpty)
        #expect(Set(exported.keys) == Set(manifest.files.map(\.name)))
        #expect(manifest.cacheControl == "public, max-age=31536000, immutable")
        try await TestSupport.withApp { app in
            for file in manifest.files {
                try await app.testing().test(.GET, "/static/\(file.name)") { response in
                    #expect(response.status == .ok)
                    #expect(Data(response.body.readableBytesView) == exported[file.name])
                    #expect(response.headers.first(name: .contentType) == file.contentType)
                    #expect(response.headers.first(name: .cacheControl) == manifest.cacheControl)
                    #expect(file.size == exported[file.name]?.count)
                }
            }
            let publicFiles = try FileManager.default.contentsOfDirectory(
                atPath: TestSupport.repositoryRoot.appendingPathComponent("Public").path
            ).filter { !$0.hasPrefix(".") }
            // After boot: every Public/ file a template can link to (`#asset`) is among the exported names.
            for name in publicFiles {
                let url = try #require(app.staticAssets.url(for: name))
                #expect(exported.keys.contains(String(url.dropFirst("/static/".count))), "\(name) → \(url)")
            }
        }
    }

    @Test func theHumanReportListsEveryWrittenFile() throws {
        let scratch = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outcome = try CommandLineRunner.run(["assets", "export", scratch.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for name in try filesIn(scratch).keys {
            #expect(outcome.stdout.contains(scratch.appendingPathComponent(name).path))
        }
    }

    @Test func missingDirIsRefusedNamingIt() throws {
        let outcome = try CommandLineRunner.run(["assets", "export"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("Missing expected argument '<DIR>'"))
        #expect(outcome.stdout.isEmpty)
    }

    @Test func unwritableDirIsRefusedNamingIt() throws {
        // setup: a regular file where a parent folder should be stops even root
        let scratch = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let target = file.appendingPathComponent("static")
        // MUT
        let outcome = try CommandLineRunner.run(["assets", "export", target.path])
        // validate
        #expect(outcome.status != 0)
        #expect(
            outcome.stderr.contains(
                "Error: DIR '\(target.path)' is not writable: '\(file.path)' is a file, not a folder"),
            "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Fatal error"))
        #expect(try Data(contentsOf: file) == Data("x".utf8))
    }

    @Test func aFileOrAFolderWithOtherFilesIsRefusedAndLeftAlone() throws {
        let scratch = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let leftover = scratch.appendingPathComponent("old.css")
        try Data("old".utf8).write(to: leftover)

        let notEmpty = try CommandLineRunner.run(["assets", "export", scratch.path])
        #expect(notEmpty.status != 0)
        #expect(notEmpty.stderr.contains("DIR '\(scratch.path)' is not empty (1 entry)"), "\(notEmpty.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["old.css"])

        let aFile = try CommandLineRunner.run(["assets", "export", leftover.path])
        #expect(aFile.status != 0)
        #expect(aFile.stderr.contains("DIR '\(leftover.path)' is a file, not a folder"), "\(aFile.stderr)")
    }

    @Test func exportingWithoutPublicFilesIsAnError() throws {
        // setup: a folder with no Public/, such as a wrong working directory in a deploy job
        let scratch = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        // MUT
        let outcome = try CommandLineRunner.run(
            ["assets", "export", scratch.appendingPathComponent("out").path], workingDirectory: scratch)
        // validate
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("no static files in '\(scratch.path)/Public/'"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("out").path))
    }
}
