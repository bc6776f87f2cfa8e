import AWSClient
import AsyncHTTPClient
import Foundation
import MercatoTestSupport
import NIOCore
import NIOHTTP1
import Testing

/// The default chain's order and each source's wire protocol, against local servers that speak the
/// documented ECS container endpoint, IMDSv2 and STS requests.
@Suite("AWS credentials chain")
struct CredentialsChainTests {
    static let envKeys = ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret"]
    /// Keeps the real 169.254.169.254 out of tests that are not about IMDS.
    static let noIMDS = ["AWS_EC2_METADATA_DISABLED": "true"]

    static func chain(_ environment: [String: String], container: String = "http://127.0.0.1:9")
        -> AWSCredentialsProviderChain
    {
        .standard(environment: environment, httpClient: .shared, containerEndpoint: container)
    }

    @Test("Environment keys win over every other source, which is then never contacted")
    func environmentFirst() async throws {
        try await withRecordingServer(
            script: CredentialServers.ecs(path: "/v2/credentials/t", expiresIn: { _ in 3600 })
        ) {
            server in
            var environment = Self.envKeys
            environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/t"
            environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = server.baseURL
            let credentials = try await Self.chain(environment, container: server.baseURL).credentials()
            #expect(credentials.accessKeyID == "AKIAENV")
            #expect(credentials.expiration == nil)
            #expect(server.requests.isEmpty)
        }
    }

    @Test("Without keys the ECS relative URI is fetched from the container endpoint")
    func containerRelativeURI() async throws {
        try await withRecordingServer(
            script: CredentialServers.ecs(path: "/v2/credentials/t", expiresIn: { _ in 3600 })
        ) {
            server in
            let environment = ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/t"].merging(Self.noIMDS) {
                $1
            }
            let credentials = try await Self.chain(environment, container: server.baseURL).credentials()
            #expect(credentials.accessKeyID == "ECS0")
            #expect(credentials.secretAccessKey == "secret-ECS0")
            #expect(credentials.sessionToken == "token-ECS0")
            let expiration = try #require(credentials.expiration)
            // A loaded CI machine can take seconds between the answer and this line.
            #expect(abs(expiration.timeIntervalSinceNow - 3600) < 60)
            #expect(server.requests.count == 1)
            #expect(server.requests.first?.headers.first(name: "Authorization") == nil)
        }
    }

    @Test("The real default container endpoint is the ECS agent's address")
    func defaultContainerEndpoint() {
        #expect(ContainerCredentialsProvider.defaultEndpoint == "http://169.254.170.2")
        #expect(InstanceMetadataCredentialsProvider.defaultEndpoint == "http://169.254.169.254")
        let sts = WebIdentityCredentialsProvider(environment: ["AWS_REGION": "eu-central-1"], httpClient: .shared)
        #expect(sts.stsEndpoint == "https://sts.eu-central-1.amazonaws.com")
        #expect(
            WebIdentityCredentialsProvider(environment: [:], httpClient: .shared).stsEndpoint
                == "https://sts.amazonaws.com")
    }

    @Test("A full URI on loopback is sent the token file's contents as Authorization, ahead of the variable")
    func containerFullURIWithTokenFile() async throws {
        let tokenFile = try CredentialServers.temporaryFile("pod-identity-token-1\n")
        defer { try? FileManager.default.removeItem(at: tokenFile) }
        let script = CredentialServers.ecs(
            path: "/creds", authorization: "pod-identity-token-1", expiresIn: { _ in 3600 })
        try await withRecordingServer(script: script) { server in
            let environment = [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/creds",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile.path,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "stale-token",
            ].merging(Self.noIMDS) { $1 }
            let credentials = try await Self.chain(environment).credentials()
            #expect(credentials.accessKeyID == "ECS0")
            // The file rotates; a new token is read on the next fetch.
            try "rotated".write(to: tokenFile, atomically: true, encoding: .utf8)
            await #expect(throws: AWSError.self) { try await Self.chain(environment).credentials() }
        }
    }

    @Test("A full URI with the token in AWS_CONTAINER_AUTHORIZATION_TOKEN")
    func containerFullURIWithTokenVariable() async throws {
        let script = CredentialServers.ecs(path: "/creds", authorization: "token-var", expiresIn: { _ in 3600 })
        try await withRecordingServer(script: script) { server in
            let environment = [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/creds",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "token-var",
            ]
            let credentials = try await Self.chain(environment.merging(Self.noIMDS) { $1 }).credentials()
            #expect(credentials.accessKeyID == "ECS0")
        }
    }

    @Test(
        "A plain-HTTP full URI to any other host is refused before anything is sent",
        arguments: ["http://example.com/creds", "http://10.0.0.8/creds", "ftp://127.0.0.1/creds"])
    func containerFullURIHostRestriction(url: String) async throws {
        let provider = ContainerCredentialsProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url], httpClient: .shared)
        await #expect(throws: AWSError.self) { try await provider.credentials() }
        let error = await #expect(throws: AWSError.self) {
            try await Self.chain(["AWS_CONTAINER_CREDENTIALS_FULL_URI": url]).credentials()
        }
        #expect(error?.description.contains("ECS container endpoint is configured but failed") == true)
        #expect(error?.description.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI") == true)
    }

    @Test("Loopback, ECS and EKS addresses and https are allowed for a full URI")
    func containerFullURIAllowedHosts() throws {
        for url in [
            "http://127.0.0.1:8080/c", "http://127.12.0.1/c", "http://localhost/c", "http://[::1]/c",
            "http://169.254.170.2/v2/c", "http://169.254.170.23/v1/c", "http://[fd00:ec2::23]/v1/c",
            "https://creds.example.com/c",
        ] {
            let provider = ContainerCredentialsProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url], httpClient: .shared)
            #expect((try? provider.resolveURL()) == url, "\(url)")
        }
    }

    @Test("IMDSv2: token PUT, role listing and role credentials, each GET carrying the token")
    func instanceMetadata() async throws {
        try await withRecordingServer(script: CredentialServers.imds()) { server in
            let credentials = try await Self.chain(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL]).credentials()
            #expect(credentials.accessKeyID == "IMDS2")
            #expect(credentials.sessionToken == "token-IMDS2")
            let requests = server.requests
            try #require(requests.count == 3)
            #expect(requests[0].method == .PUT && requests[0].uri == "/latest/api/token")
            #expect(requests[0].headers.first(name: "X-aws-ec2-metadata-token-ttl-seconds") == "21600")
            #expect(requests[1].uri == "/latest/meta-data/iam/security-credentials/")
            #expect(requests[2].uri == "/latest/meta-data/iam/security-credentials/\(CredentialServers.role)")
            #expect(
                requests[1...].allSatisfy {
                    $0.headers.first(name: "X-aws-ec2-metadata-token") == CredentialServers.imdsToken
                })
        }
    }

    @Test("The IMDS test server refuses a GET without the session token, as IMDSv2 does")
    func instanceMetadataServerRequiresToken() async throws {
        try await withRecordingServer(script: CredentialServers.imds()) { server in
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: server.baseURL + "/latest/meta-data/iam/security-credentials/"),
                timeout: .seconds(5))
            #expect(response.status == .unauthorized)
        }
    }

    @Test("IMDS answering Code other than Success is an error naming the role")
    func instanceMetadataFailureCode() async throws {
        try await withRecordingServer(script: { request, index in
            if request.uri.hasSuffix("/\(CredentialServers.role)") {
                return CredentialServers.json(CredentialServers.credentialsJSON("X", expiresIn: 3600, code: "Failed"))
            }
            return CredentialServers.imds()(request, index)
        }) { server in
            let error = await #expect(throws: AWSError.self) {
                try await Self.chain(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL]).credentials()
            }
            #expect(error?.description.contains("Code Failed") == true)
            #expect(error?.description.contains(CredentialServers.role) == true)
        }
    }

    @Test("With no source configured the error names every source tried")
    func nothingConfigured() async throws {
        // A port nothing listens on: IMDS counts as absent, as off EC2.
        let closed = try await RecordingHTTPServer(script: { _, _ in .dropConnection })
        let endpoint = closed.baseURL
        await closed.stop()
        let provider = InstanceMetadataCredentialsProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint], httpClient: .shared,
            timeout: .milliseconds(500))
        let chain = AWSCredentialsProviderChain(
            Array(Self.chain([:]).sources.dropLast()) + [.init(name: "EC2 instance metadata", provider: provider)])
        let error = await #expect(throws: AWSError.self) { try await chain.credentials() }
        let text = error?.description ?? ""
        for part in [
            "environment: AWS_ACCESS_KEY_ID is not set", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_WEB_IDENTITY_TOKEN_FILE is not set", "EC2 instance metadata: no instance metadata service answered",
        ] {
            #expect(text.contains(part), "\(text)")
        }
        let disabled = await #expect(throws: AWSError.self) { try await Self.chain(Self.noIMDS).credentials() }
        #expect(disabled?.description.contains("AWS_EC2_METADATA_DISABLED is true") == true)
    }

    @Test("A failing ECS endpoint stops the chain with its status, instead of falling back to IMDS")
    func containerFailureIsReported() async throws {
        try await withRecordingServer(script: { _, _ in
            CredentialServers.json(
                #"{"code": "InternalError", "message": "agent restarting"}"#, status: .internalServerError)
        }) { server in
            let environment = [
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/t",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL,
            ]
            let error = await #expect(throws: AWSError.self) {
                try await Self.chain(environment, container: server.baseURL).credentials()
            }
            let text = error?.description ?? ""
            #expect(text.contains("ECS container endpoint is configured but failed"), "\(text)")
            #expect(text.contains("500") && text.contains("agent restarting"), "\(text)")
            #expect(text.contains("AWS_ACCESS_KEY_ID is not set"), "\(text)")
            #expect(server.requests.count == 1)
        }
    }

    @Test("Web identity: the token file and role ARN are posted, unsigned, to the STS endpoint override")
    func webIdentityLocal() async throws {
        let tokenFile = try CredentialServers.temporaryFile("eyJhbGciOiJSUzI1NiJ9.payload.sig\n")
        defer { try? FileManager.default.removeItem(at: tokenFile) }
        let role = "arn:aws:iam::123456789012:role/mercato-web"
        let script = CredentialServers.sts(roleARN: role, token: "eyJhbGciOiJSUzI1NiJ9.payload.sig")
        try await withRecordingServer(script: script) { server in
            let environment = [
                "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": role,
                "AWS_ENDPOINT_URL_STS": server.baseURL,
            ].merging(Self.noIMDS) { $1 }
            let credentials = try await Self.chain(environment).credentials()
            #expect(credentials.accessKeyID == "ASIASTS0")
            #expect(credentials.sessionToken == "token&0")
            let expiration = try #require(credentials.expiration)
            // A loaded CI machine can take seconds between the answer and this line.
            #expect(abs(expiration.timeIntervalSinceNow - 3600) < 60)
            #expect(abs(expiration.timeIntervalSince1970.truncatingRemainder(dividingBy: 1) - 0.730219) < 0.001)
            #expect(!"\(credentials)".contains("secret-sts") && !"\(credentials)".contains("token&0"))
        }
    }

    @Test("An STS refusal stops the chain with STS's error code")
    func webIdentityRefused() async throws {
        let tokenFile = try CredentialServers.temporaryFile("expired-token")
        defer { try? FileManager.default.removeItem(at: tokenFile) }
        let role = "arn:aws:iam::123456789012:role/mercato-web"
        try await withRecordingServer(script: CredentialServers.sts(roleARN: role, token: "valid-token")) { server in
            let environment = [
                "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": role,
                "AWS_ENDPOINT_URL_STS": server.baseURL,
            ]
            let error = await #expect(throws: AWSError.self) { try await Self.chain(environment).credentials() }
            let text = error?.description ?? ""
            #expect(text.contains("web identity is configured but failed"), "\(text)")
            #expect(text.contains("InvalidIdentityToken") && text.contains(role), "\(text)")
            #expect(!text.contains("expired-token"), "the token is never echoed")
        }
    }

    @Test("Web identity without AWS_ROLE_ARN, or with an unreadable token file, says so")
    func webIdentityMisconfigured() async throws {
        let missingRole = await #expect(throws: AWSError.self) {
            try await Self.chain(["AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent/token"].merging(Self.noIMDS) { $1 })
                .credentials()
        }
        #expect(missingRole?.description.contains("AWS_ROLE_ARN is not") == true)
        let unreadable = await #expect(throws: AWSError.self) {
            try await Self.chain(
                ["AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"]
            ).credentials()
        }
        #expect(unreadable?.description.contains("/nonexistent/token cannot be read") == true)
    }
}
