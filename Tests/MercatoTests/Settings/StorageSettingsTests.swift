import Foundation
import Testing

@testable import Mercato

/// `storage.keyPrefix` and `storage.publicBaseURL`: together they must give `https://<domain>/media/<key>`,
/// the path CloudFront's `/media/*` behaviour sends to the bucket's `media/` keys.
@Suite struct StorageSettingsTests {
    private func load(_ yaml: String, variables: [String: String] = [:]) throws -> Settings {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try yaml.write(to: directory.appendingPathComponent("development.yaml"), atomically: true, encoding: .utf8)
        return try SettingsLoader.load(environment: .development, configDirectory: directory, variables: variables)
    }

    private func problems(_ yaml: String) throws -> [SettingsProblem] {
        do {
            _ = try load(yaml)
        } catch let error as SettingsError {
            return error.problems
        }
        Issue.record("expected the configuration to be refused")
        return []
    }

    @Test func productionAndStagingStoreUnderMediaBehindTheCDNRoot() throws {
        for environment in [AppEnvironment.staging, .production] {
            // MUT: the variables the ECS task definitions set (deploy/aws/services.yaml)
            let settings = try TestSupport.settings(
                environment,
                variables: TestSupport.deployedVariables.merging(["CDN_URL": "https://shop.example.com"]) { $1 })
            // validate
            #expect(settings.storage.keyPrefix == "media/")
            #expect(settings.storage.publicBaseURL == "https://shop.example.com")
        }
    }

    @Test func developmentAndTestingKeepUnprefixedLocalStorage() throws {
        for environment in [AppEnvironment.development, .testing] {
            let settings = try TestSupport.settings(environment)
            #expect(settings.adapters.storage == .local)
            #expect(settings.storage.keyPrefix == "")
        }
    }

    @Test(arguments: [("media", "media/"), ("media/", "media/"), ("shop-1/media/", "shop-1/media/"), ("", "")])
    func keyPrefixIsNormalisedToAFolder(written: String, expected: String) throws {
        let settings = try load("storage:\n  keyPrefix: \"\(written)\"\n")
        #expect(settings.storage.keyPrefix == expected)
    }

    @Test(arguments: ["/media/", "media//x/", "../media/", "me dia/", "media/./"])
    func malformedKeyPrefixIsRefusedNamingTheKey(prefix: String) throws {
        let found = try problems("storage:\n  keyPrefix: \"\(prefix)\"\n")
        #expect(found.map(\.key) == ["storage.keyPrefix"])
        #expect(found.first?.message.contains("'\(prefix)' is not a key prefix") == true)
    }

    @Test func publicBaseURLThatAlreadyEndsInThePrefixIsRefused() throws {
        // An older CDN_URL (https://…/media) with the prefix would link to /media/media/<key>.
        let found = try problems("storage:\n  keyPrefix: media/\n  publicBaseURL: https://shop.example.com/media/\n")
        #expect(found.map(\.key) == ["storage.publicBaseURL"])
        #expect(found.first?.message.contains("give the CDN's root, e.g. https://shop.example.com") == true)
    }

    @Test func publicBaseURLMustBeAnAbsoluteURLAndLosesItsTrailingSlash() throws {
        let settings = try load("storage:\n  keyPrefix: media/\n  publicBaseURL: https://cdn.example.com/\n")
        #expect(settings.storage.publicBaseURL == "https://cdn.example.com")
        let found = try problems("storage:\n  publicBaseURL: cdn.example.com\n")
        #expect(found.map(\.key) == ["storage.publicBaseURL"])
    }
}
