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
            secretKeys == ["databasePassword", "redisPassword", "adminToken", "stripeSecretKey", "stripeWebhookSecret"])
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
            "ADMIN_TOKEN": String(repeating: "t", count: 40), "AWS_REGION": "eu-west-1",
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
        #expect(names.isSuperset(of: ["DB_HOST", "DB_PASSWORD", "REDIS_HOST", "S3_BUCKET", "ADMIN_TOKEN", "BASE_URL"]))
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
}
