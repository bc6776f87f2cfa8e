import AWSClient
import AsyncHTTPClient
import Foundation
import MercatoTestSupport
import NIOCore
import NIOHTTP1
import Testing

/// The cache every client shares: temporary credentials are refreshed when less than five minutes
/// remain, one fetch serves concurrent callers, and clients sign each request with what it holds now.
@Suite("AWS credentials caching and refresh")
struct CredentialsRefreshTests {
    static func ecsProvider(_ server: RecordingHTTPServer) -> ContainerCredentialsProvider {
        ContainerCredentialsProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/t"], httpClient: .shared,
            relativeURIEndpoint: server.baseURL)
    }

    @Test("Credentials expiring within the refresh window are fetched again, and the new keys used")
    func refreshesNearExpiry() async throws {
        try await withRecordingServer(script: CredentialServers.ecs(path: "/v2/credentials/t", expiresIn: { _ in 60 }))
        {
            server in
            let cache = CachingCredentialsProvider(Self.ecsProvider(server))
            let first = try await cache.credentials()
            let second = try await cache.credentials()
            #expect(server.requests.count == 2)
            #expect(first.accessKeyID == "ECS0")
            #expect(second.accessKeyID == "ECS1")
            #expect(second.sessionToken == "token-ECS1")
        }
    }

    @Test("Credentials far from expiry are reused without another fetch")
    func noRefreshWhenFar() async throws {
        try await withRecordingServer(
            script: CredentialServers.ecs(path: "/v2/credentials/t", expiresIn: { _ in 3600 })
        ) {
            server in
            let cache = CachingCredentialsProvider(Self.ecsProvider(server))
            let first = try await cache.credentials()
            let second = try await cache.credentials()
            #expect(first == second)
            #expect(server.requests.count == 1)
        }
    }

    @Test("An injected clock crossing into the refresh window triggers exactly one refresh")
    func refreshWhenClockAdvances() async throws {
        try await withRecordingServer(script: CredentialServers.imds()) { server in
            let clock = TestClock()
            let cache = CachingCredentialsProvider(
                InstanceMetadataCredentialsProvider(
                    environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL], httpClient: .shared),
                now: { clock.now })
            let fetched = try await cache.credentials()
            #expect(fetched.accessKeyID == "IMDS2")
            clock.advance(by: 3000)  // 10 minutes left: still fresh
            let fresh = try await cache.credentials()
            #expect(fresh.accessKeyID == "IMDS2")
            clock.advance(by: 400)  // under 5 minutes left
            let refreshed = try await cache.credentials()
            #expect(refreshed.accessKeyID == "IMDS5")
            #expect(server.requests.count == 6)
        }
    }

    @Test("Concurrent callers share one fetch")
    func concurrentCallersShareOneFetch() async throws {
        try await withRecordingServer(
            script: CredentialServers.ecs(path: "/v2/credentials/t", expiresIn: { _ in 3600 })
        ) {
            server in
            let cache = CachingCredentialsProvider(Self.ecsProvider(server))
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<32 {
                    group.addTask { try await cache.credentials().accessKeyID }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(keys == ["ECS0"])
            #expect(server.requests.count == 1)
        }
    }

    @Test("A failed refresh keeps serving credentials that have not yet expired; expired ones are not")
    func failedRefreshKeepsValidCredentials() async throws {
        try await withRecordingServer(script: { request, index in
            if index == 0 {
                return CredentialServers.ecs(path: "/v2/credentials/t", expiresIn: { _ in 60 })(request, index)
            }
            return CredentialServers.json(#"{"code": "Throttled", "message": "slow down"}"#, status: .tooManyRequests)
        }) { server in
            let clock = TestClock()
            let cache = CachingCredentialsProvider(Self.ecsProvider(server), now: { clock.now })
            let first = try await cache.credentials()
            let kept = try await cache.credentials()
            #expect(kept == first)
            #expect(server.requests.count == 2)
            clock.advance(by: 120)
            let error = await #expect(throws: AWSError.self) { try await cache.credentials() }
            #expect(error?.description.contains("429") == true)
        }
    }

    @Test("A client signs each request with the provider's current credentials and session token")
    func clientsSignWithCurrentCredentials() async throws {
        try await withRecordingServer(script: CredentialServers.ecs(path: "/v2/credentials/t", expiresIn: { _ in 60 }))
        {
            credentials in
            try await withRecordingServer(script: { _, _ in
                CredentialServers.json(
                    #"{"Name": "app", "ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:app", "SecretString": "x"}"#)
            }) { secrets in
                let client = try SecretsManagerClient(
                    region: "eu-west-1", endpoint: secrets.baseURL,
                    credentialsProvider: CachingCredentialsProvider(Self.ecsProvider(credentials)),
                    httpClient: .shared)
                _ = try await client.getSecretValue(secretID: "app")
                _ = try await client.getSecretValue(secretID: "app")
                let sent = secrets.requests.map { $0.headers }
                try #require(sent.count == 2)
                #expect(sent[0].first(name: "Authorization")?.contains("Credential=ECS0/") == true)
                #expect(sent[0].first(name: "X-Amz-Security-Token") == "token-ECS0")
                #expect(sent[1].first(name: "Authorization")?.contains("Credential=ECS1/") == true)
                #expect(sent[1].first(name: "X-Amz-Security-Token") == "token-ECS1")
            }
        }
    }

    @Test("Missing credentials fail the request before anything is sent, with the chain's explanation")
    func clientReportsMissingCredentials() async throws {
        try await withRecordingServer(script: { _, _ in .respond(status: .ok, body: "{}") }) { server in
            let chain = AWSCredentialsProviderChain.standard(
                environment: ["AWS_EC2_METADATA_DISABLED": "true"], httpClient: .shared)
            let client = try SESv2Client(
                configuration: SESv2Configuration(region: "eu-west-1", endpoint: server.baseURL),
                credentialsProvider: chain, httpClient: .shared)
            let error = await #expect(throws: AWSError.self) {
                try await client.sendEmail(
                    SESv2Email(
                        from: "a@example.com", to: ["b@example.com"],
                        content: .simple(subject: "s", text: "t", html: nil)))
            }
            #expect(error?.description.contains("AWS_ACCESS_KEY_ID is not set") == true)
            #expect(server.requests.isEmpty)
        }
    }

    @Test("A provider-backed S3 client presigns with credentials it is given, and not without")
    func presignWithProvider() async throws {
        let client = try S3Client(
            configuration: S3Configuration(bucket: "b", region: "us-east-1", addressingStyle: .path),
            credentialsProvider: CachingCredentialsProvider(
                StaticCredentialsProvider(AWSCredentials(accessKeyID: "AKIDP", secretAccessKey: "s", sessionToken: "t"))
            ),
            httpClient: .shared)
        #expect(throws: AWSError.self) { try client.presignedGetURL(key: "k", expiresIn: .seconds(60)) }
        let credentials = try await client.credentialsProvider.credentials()
        let url = try client.presignedGetURL(key: "k", expiresIn: .seconds(60), credentials: credentials)
        #expect(url.absoluteString.contains("X-Amz-Credential=AKIDP%2F"))
        #expect(url.absoluteString.contains("X-Amz-Security-Token=t"))
    }

    @Test("Descriptions of credentials and providers never show secrets")
    func descriptionsRedactSecrets() {
        let credentials = AWSCredentials(
            accessKeyID: "ASIAVISIBLE", secretAccessKey: "very-secret", sessionToken: "session-secret",
            expiration: Date(timeIntervalSince1970: 1_800_000_000))
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [
            "\(credentials)", String(reflecting: credentials), "\(StaticCredentialsProvider(credentials))", dumped,
        ] {
            #expect(text.contains("ASIAVISIBLE"))
            #expect(!text.contains("very-secret") && !text.contains("session-secret"), "\(text)")
        }
    }
}

/// A settable clock for the cache.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: TimeInterval = 0

    var now: Date { lock.withLock { Date().addingTimeInterval(offset) } }

    func advance(by seconds: TimeInterval) {
        lock.withLock { offset += seconds }
    }
}
