import Foundation
import Testing

@testable import Mercato

@Suite struct FeatureFlagTests {
    @Test func onAndOffFlags() {
        let flags = FeatureFlags([
            FeatureFlag(name: "reviewSystem", enabled: true), FeatureFlag(name: "beta", enabled: false),
        ])
        #expect(flags.isEnabled("reviewSystem"))
        #expect(flags.isEnabled("reviewSystem", for: "customer-1"))
        #expect(!flags.isEnabled("beta", for: "customer-1"))
        #expect(!flags.isEnabled("undeclared", for: "customer-1"))
    }

    @Test func rolloutSplitsSubjectsByPercentage() {
        // setup
        let flags = FeatureFlags([FeatureFlag(name: "recommendationEngine", enabled: true, rolloutPercent: 25)])
        // MUT
        let enabled = (0..<10_000).filter { flags.isEnabled("recommendationEngine", for: "customer-\($0)") }.count
        // validate: 25% of 10,000 within two percentage points
        #expect((2_300...2_700).contains(enabled))
    }

    @Test func rolloutIsConsistentPerSubjectAndIndependentPerFlag() {
        let flags = FeatureFlags([
            FeatureFlag(name: "a", enabled: true, rolloutPercent: 50),
            FeatureFlag(name: "b", enabled: true, rolloutPercent: 50),
        ])
        let subjects = (0..<1_000).map { "session-\($0)" }
        let first = subjects.map { flags.isEnabled("a", for: $0) }
        #expect(subjects.map { flags.isEnabled("a", for: $0) } == first)
        // The same subject must not land in the same half of every experiment.
        #expect(subjects.map { flags.isEnabled("b", for: $0) } != first)
    }

    @Test func partialRolloutNeedsASubject() {
        let flags = FeatureFlags([FeatureFlag(name: "a", enabled: true, rolloutPercent: 99)])
        #expect(!flags.isEnabled("a", for: nil))
    }

    @Test func configDeclaresRolloutInLongForm() throws {
        let settings = try TestSupport.settings(
            .staging,
            variables: TestSupport.deployedVariables)
        #expect(
            settings.features.flags["recommendationEngine"]
                == FeatureFlag(name: "recommendationEngine", enabled: true, rolloutPercent: 50))
        #expect(settings.features.flags["reviewSystem"] == FeatureFlag(name: "reviewSystem", enabled: true))
    }

    @Test func environmentVariableOverridesAFlag() throws {
        let off = try TestSupport.settings(.development, variables: ["MERCATO_FEATURES_REVIEW_SYSTEM": "false"])
        #expect(!off.features.isEnabled("reviewSystem", for: "c"))
        let partial = try TestSupport.settings(
            .development, variables: ["MERCATO_FEATURES_RECOMMENDATION_ENGINE": "30%"])
        #expect(
            partial.features.flags["recommendationEngine"]
                == FeatureFlag(name: "recommendationEngine", enabled: true, rolloutPercent: 30))
    }

    @Test func invalidFlagValueIsAProblem() {
        #expect(throws: SettingsError.self) {
            try TestSupport.settings(.development, variables: ["MERCATO_FEATURES_REVIEW_SYSTEM": "150%"])
        }
        #expect(throws: SettingsError.self) {
            try TestSupport.settings(.development, variables: ["MERCATO_FEATURES_REVIEW_SYSTEM": "maybe"])
        }
    }
}
