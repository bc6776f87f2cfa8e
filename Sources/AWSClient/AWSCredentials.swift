import Foundation

/// The secret material a request is signed with.
///
/// `description` never shows the secret or the session token, so a credentials value can be logged or
/// interpolated into an error by accident without leaking anything.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The access key id, such as `AKIAIOSFODNN7EXAMPLE`; it is public and appears in every signature.
    public var accessKeyID: String
    /// The secret access key; it only ever feeds the HMAC and never leaves the process.
    public var secretAccessKey: String
    /// The token that temporary (STS) credentials come with; sent as `X-Amz-Security-Token`.
    public var sessionToken: String?
    /// When temporary credentials stop working; `nil` for long-term keys, which never expire.
    public var expiration: Date?

    /// Creates credentials from explicit values.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the optional `AWS_SESSION_TOKEN`.
    ///
    /// The environment is a parameter so callers and tests can pass their own dictionary instead of
    /// mutating the process environment.
    ///
    /// - Throws: ``AWSError/missingCredentials(_:)`` naming the variable that is unset or empty.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(AWSError) -> AWSCredentials {
        guard let accessKeyID = nonEmpty(environment["AWS_ACCESS_KEY_ID"]) else {
            throw .missingCredentials("AWS_ACCESS_KEY_ID is not set")
        }
        guard let secretAccessKey = nonEmpty(environment["AWS_SECRET_ACCESS_KEY"]) else {
            throw .missingCredentials("AWS_SECRET_ACCESS_KEY is not set")
        }
        return AWSCredentials(
            accessKeyID: accessKeyID,
            secretAccessKey: secretAccessKey,
            sessionToken: nonEmpty(environment["AWS_SESSION_TOKEN"])
        )
    }

    /// The access key id (and expiry) with the secrets redacted.
    public var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>"
            + (sessionToken == nil ? "" : ", sessionToken: <redacted>")
            + (expiration.map { ", expiration: \($0.formatted(.iso8601))" } ?? "") + ")"
    }

    /// Exposes only the access key id and expiry, so `dump` and debuggers cannot print the secret either.
    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyID": accessKeyID, "expiration": expiration as Any], displayStyle: .struct)
    }

    /// What a signer holds when the real credentials come from a provider per request.
    static let placeholder = AWSCredentials(accessKeyID: "", secretAccessKey: "")

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
