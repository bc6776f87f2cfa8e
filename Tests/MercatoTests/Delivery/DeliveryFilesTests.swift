import AWSClient
import AsyncHTTPClient
import Foundation
import Testing

@testable import Mercato

/// The delivery files run this binary: the commands, roles, environments and settings they give it
/// must be ones it accepts, and the AWS names must be the ones scripts/deploy and scripts/rollback
/// look for (DEPLOY_CONTRACT). These read the files as text, as the orchestrators do.
@Suite struct DeliveryFilesTests {
    static func read(_ path: String) throws -> String {
        try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every capture of `pattern`'s first group in `text`.
    static func captures(_ pattern: String, in text: String) throws -> [String] {
        let expression = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func everyRoleAndEnvironmentTheDeliveryFilesNameExists() throws {
        // setup
        let files = try ["deploy/compose.yaml", "deploy/aws/services.yaml", "deploy/Dockerfile"].map(Self.read)
        let roles = Set(ServerRole.allCases.map(\.rawValue))
        // MUT
        let named = try files.flatMap { try Self.captures(#""--role", "([a-z]+)""#, in: $0) }
        let environments = try files.flatMap { try Self.captures(#""--env", "([a-z]+)""#, in: $0) }
        // validate
        #expect(Set(named) == ["api", "storefront", "worker"])
        #expect(named.allSatisfy(roles.contains))
        #expect(Set(environments) == ["development", "production"])
        for environment in environments {
            #expect(
                FileManager.default.fileExists(
                    atPath: TestSupport.configDirectory.appendingPathComponent("\(environment).yaml").path))
        }
    }

    @Test func imageRunsServeInProductionFromAFolderHoldingResourcesPublicAndConfig() throws {
        // setup
        let dockerfile = try Self.read("deploy/Dockerfile")
        // validate: Vapor and the settings loader look in the working directory
        #expect(dockerfile.contains("WORKDIR /app\n"))
        for folder in ["Resources", "Public", "config"] {
            #expect(dockerfile.contains("COPY --chown=root:root \(folder) ./\(folder)\n"))
        }
        #expect(dockerfile.contains(#"ENTRYPOINT ["mercato"]"#))
        #expect(dockerfile.contains(#"CMD ["serve", "--env", "production"]"#))
        #expect(dockerfile.contains("http://127.0.0.1:8080/health/live"))
        #expect(try !Self.captures(#"^USER ([0-9]+):"#, in: dockerfile).contains("0"))
    }

    @Test func awsNamesFollowTheDeployContract() throws {
        // setup
        let services = try Self.read("deploy/aws/services.yaml")
        let root = try Self.read("deploy/aws/mercato.yaml")
        // validate
        #expect(services.contains("ClusterName: !Sub mercato-${Environment}\n"))
        for role in ["api", "storefront", "worker", "migrate"] {
            #expect(services.contains("Family: !Sub mercato-${Environment}-\(role)\n"))
            #expect(services.contains("LogGroupName: !Sub /mercato/${Environment}/\(role)\n"))
        }
        for role in ["api", "storefront", "worker"] {
            #expect(services.contains("ServiceName: !Sub mercato-${Environment}-\(role)\n"))
        }
        #expect(try Set(Self.captures(#"^        - Name: (\S+)$"#, in: services)) == ["mercato"])
        #expect(services.contains(#"Command: ["migrate", "--env", !Ref Environment, "--yes"]"#))
        #expect(services.contains("/mercato:${ImageTag}"))
        #expect(services.contains(#"{Key: "mercato:environment", Value: !Ref Environment}"#))
        #expect(root.contains("  DistributionId:\n"))
        let secretKeys = try Set(Self.captures(#"\$\{AppSecretArn\}:([A-Za-z]+)::"#, in: services))
        #expect(
            secretKeys == ["databasePassword", "redisPassword", "stripeSecretKey", "stripeWebhookSecret"])
    }

    @Test func composeEnvironmentIsAValidDevelopmentConfiguration() throws {
        // setup: the variables every app service of deploy/compose.yaml gets
        let compose = try Self.read("deploy/compose.yaml")
        let block = try #require(compose.components(separatedBy: "x-mercato-environment: &mercato-environment\n").last)
            .components(separatedBy: "\n\n")[0]
        var variables: [String: String] = [:]
        for line in block.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
            let parts = line.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            variables[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces.union(["\""]))
        }
        // MUT
        let outcome = try CommandLineRunner.run(["config", "print", "--env", "development"], environment: variables)
        // validate
        #expect(variables["MERCATO_DATABASE_HOST"] == "postgres")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("database.host:"))
        #expect(outcome.stdout.contains("environment variable MERCATO_DATABASE_SSL"))
        let endpoint = outcome.stdout.split(separator: "\n").first { $0.hasPrefix("storage.endpoint:") }
        #expect(endpoint?.contains(" http://moto:5000 ") == true)
    }

    @Test func ecsTaskEnvironmentSatisfiesProductionValidation() throws {
        // setup: every environment variable and secret the task definitions set, with plausible values
        let services = try Self.read("deploy/aws/services.yaml")
        let names = try Set(
            Self.captures(#"\{Name: ([A-Z0-9_]+), Value:"#, in: services)
                + Self.captures(#"^            - Name: ([A-Z0-9_]+)$"#, in: services))
        let plausible = [
            "BASE_URL": "https://shop.mercato.example", "DB_PORT": "5432", "REDIS_PORT": "6379",
            "STORE_API_URL": "http://api:8080", "CDN_URL": "https://shop.mercato.example",
            "AWS_REGION": "eu-west-1",
            "STRIPE_SECRET_KEY": "sk_live_plausible", "STRIPE_WEBHOOK_SECRET": "whsec_plausible",
            "MAIL_FROM": "Mercato <orders@shop.mercato.example>", "SES_REGION": "eu-west-1",
        ]
        let variables = Dictionary(
            uniqueKeysWithValues: names.map { ($0, plausible[$0] ?? "value-\($0.lowercased())") })
        var withoutPassword = variables
        withoutPassword["DB_PASSWORD"] = nil
        // MUT
        let complete = try CommandLineRunner.run(["config", "print", "--env", "production"], environment: variables)
        let incomplete = try CommandLineRunner.run(
            ["config", "print", "--env", "production"], environment: withoutPassword)
        // validate
        #expect(names.isSuperset(of: ["DB_HOST", "DB_PASSWORD", "REDIS_HOST", "S3_BUCKET", "BASE_URL"]))
        #expect(complete.status == 0, "\(complete.stderr)")
        #expect(incomplete.status != 0)
        #expect(incomplete.stderr.contains("DB_PASSWORD"))
    }

    @Test func mediaURLsMatchCloudFrontsMediaBehaviour() throws {
        // setup: CloudFront sends /media/* to the bucket with the path as the key, so the task's CDN_URL
        // must be the site's root and the app must store under media/.
        let services = try Self.read("deploy/aws/services.yaml")
        let cdnURLs = try Self.captures(#"\{Name: CDN_URL, Value: (.+)\}"#, in: services)
        #expect(cdnURLs.count == 4, "one per task definition")
        #expect(cdnURLs.allSatisfy { $0 == #"!Sub "https://${DomainName}""# }, "\(cdnURLs)")
        #expect(services.contains("PathPattern: /media/*"))
        #expect(services.contains("PathPattern: /static/*"))
        // MUT
        let settings = try TestSupport.settings(
            .production,
            variables: TestSupport.deployedVariables.merging(["CDN_URL": "https://shop.mercato.example"]) { $1 })
        let client = try S3Client(
            configuration: S3Configuration(bucket: "mercato-production-assets", region: "eu-west-1"),
            credentials: AWSCredentials(accessKeyID: "unused", secretAccessKey: "unused"), httpClient: HTTPClient.shared
        )
        let storage = S3ObjectStorage(
            client: client, publicBaseURL: try #require(settings.storage.publicBaseURL),
            keyPrefix: settings.storage.keyPrefix)
        // validate
        #expect(storage.publicURL(for: "products/p1/i.png") == "https://shop.mercato.example/media/products/p1/i.png")
    }

    @Test func cloudFrontsWebACLLimitsEveryClientAddress() throws {
        // setup: the edge stack's web ACL (us-east-1, the only region for CLOUDFRONT-scope web ACLs)
        let edge = try Self.read("deploy/aws/edge.yaml")
        let webACL = try #require(edge.components(separatedBy: "\n  WebAcl:\n").dropFirst().first)
            .components(separatedBy: "\n  WebAclLogging:\n")[0]
        // MUT
        let rules = webACL.components(separatedBy: "\n        - Name: ").dropFirst()
        let rateRules = rules.filter { $0.contains("RateBasedStatement:") }
        // validate
        #expect(webACL.hasPrefix("    Type: AWS::WAFv2::WebACL\n"))
        #expect(webACL.contains("      Scope: CLOUDFRONT\n"))
        let rateRuleNames = rateRules.map { rule in String(rule.prefix { character in !character.isNewline }) }
        #expect(Set(rateRuleNames) == ["rate-limit-per-ip", "rate-limit-sensitive-posts"])
        for rule in rateRules {
            #expect(rule.contains("              AggregateKeyType: IP\n"), "\(rule)")
            #expect(rule.contains("CustomResponse: {ResponseCode: 429, CustomResponseBodyKey: too-many-requests}"))
        }
        #expect(webACL.contains("              Limit: !Ref RateLimitPerIp\n"))
        #expect(webACL.contains("              Limit: !Ref SensitiveRateLimitPerIp\n"))
        for group in ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"] {
            #expect(webACL.contains("              Name: \(group)\n"))
        }
        // Bodies over 8 KB only count in the core rule set; a rule blocks them again outside the admin API.
        #expect(webACL.contains("- Name: SizeRestrictions_BODY\n                  ActionToUse: {Count: {}}\n"))
        let reblocks = rules.filter { $0.hasPrefix("body-over-8kb-outside-admin\n") }
        let reblock = try #require(reblocks.first)
        #expect(reblock.contains("Key: awswaf:managed:aws:core-rule-set:SizeRestrictions_Body\n"))
        #expect(reblock.contains("SearchString: /api/v1/admin/\n"))
        #expect(edge.contains("  WebAclArn:\n") && edge.contains("    Value: !GetAtt WebAcl.Arn\n"))
    }

    @Test func stagingAndProductionAttachTheEdgeStacksWebACLNotAPlaceholder() throws {
        // setup
        let services = try Self.read("deploy/aws/services.yaml")
        let root = try Self.read("deploy/aws/mercato.yaml")
        let parameterFiles = try ["testing", "staging", "production"].map {
            try Self.read("deploy/aws/parameters/\($0).json")
        }
        let deploylib = try Self.read("scripts/deploylib.py")
        // MUT: the values the root stack's WebAclArn admits
        let patterns = try Self.captures(#"^  WebAclArn:\n(?:    .*\n)*?    AllowedPattern: (.+)$"#, in: root)
        let pattern = try #require(patterns.first)
        let expression = try NSRegularExpression(pattern: pattern)
        let admits = { (value: String) -> Bool in
            expression.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
        }
        let webACLID = "a1b2c3d4-5678-90ab-cdef-0123456789ab"
        // validate: the distribution gets the root stack's WebAclArn...
        #expect(services.contains("        WebACLId: !If [HasWebAcl, !Ref WebAclArn, !Ref AWS::NoValue]\n"))
        #expect(services.contains(#"  HasWebAcl: !Not [!Equals [!Ref WebAclArn, ""]]"#))
        #expect(root.contains("        WebAclArn: !Ref WebAclArn\n"))
        // ...which staging and production must set (testing may not)...
        #expect(root.contains("    RuleCondition: !Not [!Equals [!Ref Environment, testing]]\n"))
        #expect(root.contains(#"      - Assert: !Not [!Equals [!Ref WebAclArn, ""]]"#))
        // ...to a CloudFront web ACL's ARN, never a placeholder...
        #expect(admits("arn:aws:wafv2:us-east-1:111122223333:global/webacl/mercato-production/\(webACLID)"))
        #expect(admits(""))
        #expect(!admits("arn:aws:wafv2:us-east-1:111122223333:global/webacl/mercato-production/REPLACE-WITH-ID"))
        #expect(!admits("arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/mercato-production/\(webACLID)"))
        // ...that comes from the edge stack's output (scripts/deploy-stack), not from a parameter file.
        #expect(parameterFiles.allSatisfy { !$0.contains("WebAclArn") })
        for environment in ["staging", "production"] {
            let edgeParameters = try Self.read("deploy/aws/parameters/edge-\(environment).json")
            #expect(edgeParameters.contains(#""ParameterValue": "\#(environment)""#))
        }
        #expect(deploylib.contains(#"EDGE_REGION = "us-east-1""#))
        #expect(deploylib.contains(#"return f"mercato-{env.name}-edge""#))
    }
}
