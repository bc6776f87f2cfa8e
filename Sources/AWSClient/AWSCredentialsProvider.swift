import AsyncHTTPClient
import Foundation

/// Where a client gets the credentials it signs each request with.
///
/// Clients ask for credentials per request, so a provider that refreshes temporary credentials (see
/// ``CachingCredentialsProvider``) is picked up without rebuilding any client.
public protocol AWSCredentialsProvider: Sendable {
    /// Credentials valid for signing a request now.
    ///
    /// - Throws: ``AWSError/missingCredentials(_:)`` when the source is not configured or yields
    ///   nothing, or the transport/service ``AWSError`` of a source that could not be read.
    func credentials() async throws(AWSError) -> AWSCredentials
}

/// Always the same credentials: explicit keys, or keys read once from the environment.
public struct StaticCredentialsProvider: AWSCredentialsProvider, CustomStringConvertible {
    /// The credentials returned.
    public let value: AWSCredentials

    /// Creates a provider for `credentials`.
    public init(_ credentials: AWSCredentials) {
        self.value = credentials
    }

    public func credentials() async throws(AWSError) -> AWSCredentials { value }

    public var description: String { "StaticCredentialsProvider(\(value))" }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` from an environment dictionary.
public struct EnvironmentCredentialsProvider: AWSCredentialsProvider {
    let environment: [String: String]

    /// Reads `environment`, the process environment by default.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func credentials() async throws(AWSError) -> AWSCredentials {
        try AWSCredentials.fromEnvironment(environment)
    }
}

/// Tries sources in order and returns the first one's credentials.
///
/// A source that throws ``AWSError/missingCredentials(_:)`` is not configured here, and the next one is
/// tried. Any other error means the source *is* configured but failed (the ECS agent answered 500, STS
/// refused the token); the chain stops there instead of silently falling back to a different identity,
/// such as the EC2 instance role behind an ECS task. Either way the error names every source tried.
public struct AWSCredentialsProviderChain: AWSCredentialsProvider {
    /// A named source; the name appears in errors.
    public struct Source: Sendable {
        public var name: String
        public var provider: any AWSCredentialsProvider

        public init(name: String, provider: any AWSCredentialsProvider) {
            self.name = name
            self.provider = provider
        }
    }

    /// The sources, in the order they are tried.
    public let sources: [Source]

    /// Creates a chain of `sources`.
    public init(_ sources: [Source]) {
        self.sources = sources
    }

    /// The order the AWS SDKs use: environment variables, the ECS container endpoint, web identity
    /// (EKS, through STS), then EC2 instance metadata (IMDSv2).
    ///
    /// - Parameters:
    ///   - environment: the variables every source reads (the process environment by default).
    ///   - httpClient: used for the ECS endpoint, STS and IMDS; borrowed, never shut down here.
    ///   - containerEndpoint: the origin `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is appended to; only
    ///     tests change it.
    public static func standard(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient,
        containerEndpoint: String = ContainerCredentialsProvider.defaultEndpoint
    ) -> AWSCredentialsProviderChain {
        AWSCredentialsProviderChain([
            Source(name: "environment", provider: EnvironmentCredentialsProvider(environment: environment)),
            Source(
                name: "ECS container endpoint",
                provider: ContainerCredentialsProvider(
                    environment: environment, httpClient: httpClient, relativeURIEndpoint: containerEndpoint)),
            Source(
                name: "web identity",
                provider: WebIdentityCredentialsProvider(environment: environment, httpClient: httpClient)),
            Source(
                name: "EC2 instance metadata",
                provider: InstanceMetadataCredentialsProvider(environment: environment, httpClient: httpClient)),
        ])
    }

    public func credentials() async throws(AWSError) -> AWSCredentials {
        var tried: [String] = []
        for source in sources {
            do {
                return try await source.provider.credentials()
            } catch .missingCredentials(let reason) {
                tried.append("\(source.name): \(reason)")
            } catch {
                let before = tried.isEmpty ? "" : " (after \(tried.joined(separator: "; ")))"
                throw .missingCredentials("\(source.name) is configured but failed: \(error)\(before)")
            }
        }
        throw .missingCredentials("no source yielded credentials; tried \(tried.joined(separator: "; "))")
    }
}

extension CachingCredentialsProvider {
    /// The standard chain behind one cache: what a process creates once and gives every client.
    public static func defaultChain(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient
    ) -> CachingCredentialsProvider {
        CachingCredentialsProvider(
            AWSCredentialsProviderChain.standard(environment: environment, httpClient: httpClient))
    }
}
