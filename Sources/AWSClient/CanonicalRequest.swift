import NIOHTTP1

/// The canonical form of a request (step 1 of SigV4): method, canonical URI, canonical query,
/// canonical headers, signed header names and payload hash, one per line.
///
/// Kept as its own value so tests can compare it line by line with AWS's published examples: a bucket
/// answers every mistake here with the same `SignatureDoesNotMatch`, while a failing line comparison
/// says which rule was broken.
public struct CanonicalRequest: Sendable, Hashable {
    /// The full canonical request text.
    public let text: String
    /// The `;`-joined lowercase names of the signed headers, as they appear in `SignedHeaders=`.
    public let signedHeaders: String

    /// Headers that intermediaries rewrite or that the HTTP stack owns; signing them would make a
    /// correct request fail verification after a proxy or the client library touched them.
    static let unsignableHeaders: Set<String> = [
        "authorization", "user-agent", "x-amzn-trace-id", "expect", "connection", "transfer-encoding",
        "content-length", "keep-alive", "proxy-authorization", "te", "upgrade",
    ]

    /// Builds the canonical request.
    ///
    /// - Parameters:
    ///   - request: The request as it will be sent.
    ///   - options: Whether the path is encoded a second time and normalised; S3 does neither.
    ///   - queryOverride: Replaces `request.query` when presigning adds the `X-Amz-*` parameters.
    public init(
        _ request: SigV4Request,
        options: SigV4Signer.Options,
        query queryOverride: [(name: String, value: String)]? = nil
    ) {
        let headers = Self.canonicalHeaders(request.headers)
        let signedHeaders = headers.map(\.name).joined(separator: ";")
        let lines = [
            request.method.rawValue,
            Self.canonicalURI(request.path, options: options),
            URIEncoding.canonicalQuery(queryOverride ?? request.query),
            headers.map { "\($0.name):\($0.value)\n" }.joined(),
            signedHeaders,
            request.payloadHash,
        ]
        self.text = lines.joined(separator: "\n")
        self.signedHeaders = signedHeaders
    }

    /// Lowercase hex SHA-256 of ``text``, the last line of the string to sign.
    public var hash: String { SigV4Signer.hexSHA256(Array(text.utf8)) }

    /// The canonical URI: S3 signs the path exactly as sent, while every other service signs the
    /// sent path percent-encoded once more, after removing `.`/`..` segments and empty segments.
    static func canonicalURI(_ path: String, options: SigV4Signer.Options) -> String {
        var path = path.isEmpty ? "/" : path
        if options.normalizePath {
            path = normalized(path)
        }
        return options.doubleEncodePath ? URIEncoding.encode(path, encodeSlash: false) : path
    }

    /// Lowercased names in byte order, each with its values trimmed, inner runs of spaces collapsed,
    /// and repeated headers joined with commas in the order they were given.
    static func canonicalHeaders(_ headers: HTTPHeaders) -> [(name: String, value: String)] {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            let name = name.lowercased()
            guard !unsignableHeaders.contains(name) else { continue }
            values[name, default: []].append(trimAll(value))
        }
        return values.keys
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { (name: $0, value: values[$0, default: []].joined(separator: ",")) }
    }

    private static func trimAll(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .joined(separator: " ")
    }

    private static func normalized(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let trailingSlash = path.hasSuffix("/") && !segments.isEmpty
        return "/" + segments.joined(separator: "/") + (trailingSlash ? "/" : "")
    }
}
