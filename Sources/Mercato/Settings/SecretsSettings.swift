import AWSClient

/// Where `${secret:NAME#key}` references in the configuration are looked up: AWS Secrets Manager in
/// this region, or an emulator at `endpoint`. Only consulted when a value references a secret;
/// environment variables remain the default source of every setting.
public struct SecretsSettings: Sendable, Equatable {
    /// The region the secrets live in (`secrets.region`, else `AWS_REGION`, else `us-east-1`).
    public var region: String
    /// `http(s)://host[:port]` of an emulator such as moto; AWS itself when unset.
    public var endpoint: String?
    /// How long one Secrets Manager call may take at boot.
    public var timeoutSeconds: Int

    public init(region: String = "us-east-1", endpoint: String? = nil, timeoutSeconds: Int = 10) {
        self.region = region
        self.endpoint = endpoint
        self.timeoutSeconds = timeoutSeconds
    }

    /// Reads the `secrets` section. Its own values cannot reference secrets: they say where secrets are.
    static func read(with reader: inout SettingsReader, variables: [String: String]) -> SecretsSettings {
        let regionDefault =
            [variables["AWS_REGION"], variables["AWS_DEFAULT_REGION"]]
            .compactMap { $0 }.first { !$0.isEmpty } ?? "us-east-1"
        let region = reader.text("secrets.region", default: regionDefault) ?? regionDefault
        var endpoint = reader.text("secrets.endpoint")
        if let url = endpoint, (try? AWSEndpoint(url: url)) == nil {
            reader.fail("secrets.endpoint", "'\(url)' is not an http(s)://host[:port] URL")
            endpoint = nil
        }
        return SecretsSettings(
            region: region, endpoint: endpoint,
            timeoutSeconds: reader.integer("secrets.timeoutSeconds", default: 10, range: 1...120))
    }
}
