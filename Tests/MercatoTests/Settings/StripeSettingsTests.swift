import Foundation
import Testing

@testable import Mercato

/// The `stripe` configuration section and the rules around it.
@Suite struct StripeSettingsTests {
    /// Problems reported for a development configuration with `variables` set.
    private func problems(_ variables: [String: String], environment: AppEnvironment = .development)
        -> [SettingsProblem]
    {
        do {
            _ = try TestSupport.settings(environment, variables: variables)
            Issue.record("expected the configuration to be refused")
            return []
        } catch let error as SettingsError {
            return error.problems
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test func keysAreReadFromTheEnvironment() throws {
        // MUT
        let settings = try TestSupport.settings(
            .development,
            variables: [
                "MERCATO_ADAPTERS_PAYMENTS": "stripe", "MERCATO_STRIPE_SECRET_KEY": "sk_test_dev",
                "MERCATO_STRIPE_WEBHOOK_SECRET": "whsec_dev", "MERCATO_STRIPE_API_BASE_URL": "http://127.0.0.1:8420",
            ])
        // validate
        #expect(settings.adapters.payments == .stripe)
        #expect(
            settings.stripe
                == StripeSettings(
                    secretKey: "sk_test_dev", webhookSecret: "whsec_dev", apiBaseURL: "http://127.0.0.1:8420",
                    timeoutSeconds: 30))
    }

    @Test func stripePaymentsWithoutKeysAreRefusedNamingBoth() {
        let found = problems(["MERCATO_ADAPTERS_PAYMENTS": "stripe"])
        #expect(Set(found.map(\.key)) == ["stripe.secretKey", "stripe.webhookSecret"])
        #expect(found.allSatisfy { $0.location?.hasPrefix("set MERCATO_STRIPE_") == true })
    }

    @Test func productionNeedsBothStripeVariables() {
        var variables = TestSupport.deployedVariables
        variables["STRIPE_SECRET_KEY"] = nil
        variables["STRIPE_WEBHOOK_SECRET"] = nil
        do {
            _ = try TestSupport.settings(.production, variables: variables)
            Issue.record("production must refuse to start without Stripe keys")
        } catch let error as SettingsError {
            #expect(error.description.contains("${STRIPE_SECRET_KEY} is not set"))
            #expect(error.description.contains("${STRIPE_WEBHOOK_SECRET} is not set"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func productionLoadsWithBothKeys() throws {
        let settings = try TestSupport.settings(.production, variables: TestSupport.deployedVariables)
        #expect(settings.adapters.payments == .stripe)
        #expect(settings.stripe.secretKey == "sk_test_deployed")
        #expect(settings.stripe.webhookSecret == "whsec_deployed_0123456789abcdef")
        #expect(settings.stripe.apiBaseURL == nil)
    }

    @Test func productionRefusesAPlainHTTPStripeAddress() {
        var variables = TestSupport.deployedVariables
        variables["MERCATO_STRIPE_API_BASE_URL"] = "http://localstripe:8420"
        let found = problems(variables, environment: .production)
        #expect(found.map(\.key) == ["stripe.apiBaseURL"])
        #expect(found.first?.message.contains("https") == true)
    }

    @Test func wrongKindsOfKeyAreRefused() {
        let found = problems([
            "MERCATO_STRIPE_SECRET_KEY": "pk_test_publishable", "MERCATO_STRIPE_WEBHOOK_SECRET": "sk_test_oops",
            "MERCATO_STRIPE_API_BASE_URL": "localstripe:8420",
        ])
        #expect(Set(found.map(\.key)) == ["stripe.secretKey", "stripe.webhookSecret", "stripe.apiBaseURL"])
        #expect(found.first { $0.key == "stripe.secretKey" }?.message.contains("publishable pk_ keys") == true)
        #expect(found.first { $0.key == "stripe.webhookSecret" }?.message.contains("whsec_") == true)
        // A problem names the key, never echoes the secret.
        #expect(
            !found.contains {
                $0.description.contains("pk_test_publishable") || $0.description.contains("sk_test_oops")
            })
    }

    @Test func configPrintRedactsBothSecrets() throws {
        // setup
        var variables = TestSupport.deployedVariables
        variables["STRIPE_SECRET_KEY"] = "sk_live_very_secret_value"
        variables["STRIPE_WEBHOOK_SECRET"] = "whsec_very_secret_value"
        let settings = try TestSupport.settings(.production, variables: variables)
        // MUT
        let printed = ConfigPrinter.render(settings.resolved)
        // validate
        #expect(!printed.contains("very_secret_value"))
        let lines = printed.split(separator: "\n")
        for key in ["stripe.secretKey:", "stripe.webhookSecret:"] {
            let line = try #require(lines.first { $0.hasPrefix(key) })
            #expect(line.contains(ConfigPrinter.redacted))
        }
    }
}
