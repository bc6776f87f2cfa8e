import Foundation
import Testing

@testable import Mercato

/// `redis.cluster`, `redis.tls` and `redis.caFile`: what each environment accepts.
@Suite struct RedisSettingsTests {
    private func load(_ yaml: String, environment: AppEnvironment, variables: [String: String] = [:]) throws
        -> Settings
    {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try yaml.write(
            to: directory.appendingPathComponent("\(environment.rawValue).yaml"), atomically: true, encoding: .utf8)
        return try SettingsLoader.load(environment: environment, configDirectory: directory, variables: variables)
    }

    private func problems(_ yaml: String, environment: AppEnvironment = .development) -> [SettingsProblem] {
        do {
            _ = try load(yaml, environment: environment)
            Issue.record("expected the configuration to be refused")
            return []
        } catch let error as SettingsError {
            return error.problems
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test func productionConfigUsesClusterModeWithTLSLikeTheElastiCacheGroup() throws {
        // setup: the CloudFormation the production config must match
        let template = try String(
            contentsOf: TestSupport.repositoryRoot.appendingPathComponent("deploy/aws/data.yaml"), encoding: .utf8)
        let variables = TestSupport.deployedVariables.merging(["DB_PASSWORD": "s3cret"]) { _, new in new }
        // MUT
        let production = try TestSupport.settings(.production, variables: variables)
        let staging = try TestSupport.settings(.staging, variables: variables)
        // validate
        #expect(template.contains("TransitEncryptionEnabled: true"))
        #expect(
            template.contains("CacheParameterGroupName: !If [IsProduction, default.redis7.cluster.on, default.redis7]"))
        #expect(production.redis.cluster && production.redis.tls)
        #expect(production.redis.caFile == nil)  // ElastiCache certificates chain to public CAs
        #expect(!staging.redis.cluster && staging.redis.tls)
    }

    @Test func productionRefusesRedisWithoutTLS() {
        let yaml = """
            server:
              baseURL: https://shop.example.com
            database:
              host: db.example.com
              password: secret
              ssl: true
            redis:
              host: cache.example.com
              cluster: true
            stripe:
              secretKey: sk_live_example
              webhookSecret: whsec_example
            mail:
              from: orders@example.com
            adapters:
              cache: redis
              payments: stripe
              mailer: ses
            """
        let found = problems(yaml, environment: .production)
        #expect(found.map(\.key) == ["redis.tls"])
        #expect(found.first?.message == "production requires tls: true for Redis")
        #expect(found.first?.location == "set MERCATO_REDIS_TLS")
    }

    @Test func clusterModeRefusesADatabaseOtherThanZero() {
        let found = problems("redis:\n  host: 127.0.0.1\n  cluster: true\n  database: 2\n")
        #expect(found.map(\.key) == ["redis.database"])
        #expect(found.first?.message.contains("only has database 0") == true)
    }

    @Test func caFileMustExistAndNeedsTLS() throws {
        let withoutTLS = problems("redis:\n  host: 127.0.0.1\n  caFile: /etc/hostname\n")
        #expect(withoutTLS.map(\.key) == ["redis.caFile"])
        #expect(withoutTLS.first?.message.contains("redis.tls: true") == true)

        let missing = problems("redis:\n  host: 127.0.0.1\n  tls: true\n  caFile: /nonexistent/ca.pem\n")
        #expect(missing.map(\.key) == ["redis.caFile"])
        #expect(missing.first?.message.contains("/nonexistent/ca.pem") == true)

        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let caFile = directory.appendingPathComponent("ca.pem")
        try "-----BEGIN CERTIFICATE-----\n".write(to: caFile, atomically: true, encoding: .utf8)
        let accepted = try load(
            "redis:\n  host: 127.0.0.1\n  cluster: true\n  tls: true\n  caFile: \(caFile.path)\n",
            environment: .development)
        #expect(accepted.redis.tls && accepted.redis.cluster)
        #expect(accepted.redis.caFile == caFile.path)
    }
}
