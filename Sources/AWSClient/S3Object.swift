import Foundation
import NIOHTTP1

/// What S3 reports about a stored object, from the headers of a `GET` or `HEAD`.
public struct S3ObjectMetadata: Sendable, Hashable {
    /// The `Content-Type` the object was stored with.
    public var contentType: String?
    /// The object's size in bytes.
    public var contentLength: Int?
    /// The entity tag without its surrounding quotes; for a single-part upload, the hex MD5 of the body.
    public var eTag: String?
    /// The `Cache-Control` the object was stored with.
    public var cacheControl: String?
    /// When the object was last written, to the second.
    public var lastModified: Date?
    /// User metadata (`x-amz-meta-*`) with the prefix removed; S3 lowercases the names.
    public var metadata: [String: String]

    /// Creates metadata from explicit values.
    public init(
        contentType: String? = nil,
        contentLength: Int? = nil,
        eTag: String? = nil,
        cacheControl: String? = nil,
        lastModified: Date? = nil,
        metadata: [String: String] = [:]
    ) {
        self.contentType = contentType
        self.contentLength = contentLength
        self.eTag = eTag
        self.cacheControl = cacheControl
        self.lastModified = lastModified
        self.metadata = metadata
    }

    /// Reads the metadata from a response's headers.
    init(headers: HTTPHeaders) {
        var metadata: [String: String] = [:]
        for (name, value) in headers {
            let lowercased = name.lowercased()
            if lowercased.hasPrefix(S3Client.metadataHeaderPrefix) {
                metadata[String(lowercased.dropFirst(S3Client.metadataHeaderPrefix.count))] = value
            }
        }
        self.init(
            contentType: headers.first(name: "content-type"),
            contentLength: headers.first(name: "content-length").flatMap { Int($0) },
            eTag: headers.first(name: "etag").map(Self.unquoted),
            cacheControl: headers.first(name: "cache-control"),
            lastModified: headers.first(name: "last-modified").flatMap(HTTPDate.parse),
            metadata: metadata
        )
    }

    /// Quotes are part of the HTTP entity-tag syntax, not of the value callers compare.
    static func unquoted(_ eTag: String) -> String {
        guard eTag.count >= 2, eTag.hasPrefix("\""), eTag.hasSuffix("\"") else { return eTag }
        return String(eTag.dropFirst().dropLast())
    }
}

/// An object's bytes together with its metadata.
public struct S3Object: Sendable, Hashable {
    /// The object's content.
    public var body: [UInt8]
    /// What S3 reported about it.
    public var metadata: S3ObjectMetadata

    /// Creates an object value.
    public init(body: [UInt8], metadata: S3ObjectMetadata) {
        self.body = body
        self.metadata = metadata
    }

    /// Shorthand for `metadata.contentType`.
    public var contentType: String? { metadata.contentType }
    /// Shorthand for `metadata.eTag`.
    public var eTag: String? { metadata.eTag }
}

/// What S3 returns after storing an object.
public struct S3PutObjectResult: Sendable, Hashable {
    /// The new object's entity tag, without quotes.
    public var eTag: String?
    /// The version id, when the bucket is versioned.
    public var versionID: String?

    /// Creates a result value.
    public init(eTag: String?, versionID: String?) {
        self.eTag = eTag
        self.versionID = versionID
    }
}
