import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import AWSClient

@Suite("Credentials")
struct CredentialsTests {
    @Test("Loads the standard environment variables, with an optional session token")
    func fromEnvironment() throws {
        let plain = try AWSCredentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"])
        #expect(plain == AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret"))
        let temporary = try AWSCredentials.fromEnvironment([
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
        ])
        #expect(temporary.sessionToken == "token")
    }

    @Test("A missing or empty variable is reported by name")
    func missingVariables() {
        #expect(throws: AWSError.missingCredentials("AWS_ACCESS_KEY_ID is not set")) {
            try AWSCredentials.fromEnvironment(["AWS_SECRET_ACCESS_KEY": "secret"])
        }
        #expect(throws: AWSError.missingCredentials("AWS_SECRET_ACCESS_KEY is not set")) {
            try AWSCredentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": ""])
        }
    }

    @Test("Printing or dumping credentials never shows the secret or the token")
    func redaction() {
        let credentials = AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s3cr3t", sessionToken: "t0k3n")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [String(describing: credentials), String(reflecting: credentials), "\(credentials)", dumped] {
            #expect(text.contains("AKID"))
            #expect(!text.contains("s3cr3t"))
            #expect(!text.contains("t0k3n"))
        }
    }
}

@Suite("Endpoints")
struct EndpointTests {
    @Test("The Host header carries the port only when it is not the scheme's default")
    func hostHeader() throws {
        #expect(try AWSEndpoint(url: "http://127.0.0.1:45000").hostHeader == "127.0.0.1:45000")
        #expect(try AWSEndpoint(url: "https://s3.amazonaws.com:443").hostHeader == "s3.amazonaws.com")
        #expect(try AWSEndpoint(url: "http://localhost:80/").origin == "http://localhost")
        #expect(try AWSEndpoint(url: "http://[::1]:9000").hostHeader == "[::1]:9000")
    }

    @Test(
        "Rejects what would silently change every signature",
        arguments: ["ftp://host", "host:9000", "http://host/prefix", ""])
    func rejects(url: String) {
        #expect(throws: AWSError.self) { try AWSEndpoint(url: url) }
    }
}

@Suite("Error decoding")
struct ErrorDecodingTests {
    @Test("S3's XML error body becomes a typed service error")
    func s3XML() {
        let body = ByteBuffer(
            string: """
                <?xml version="1.0" encoding="UTF-8"?>
                <Error><Code>NoSuchKey</Code><Message>The specified key does not exist &amp; never did.</Message>\
                <Key>a b</Key><RequestId>4442587FB7D0A2F9</RequestId></Error>
                """
        )
        let error = AWSErrorDecoding.error(status: .notFound, headers: [:], body: body, format: .xml)
        #expect(
            error
                == .service(
                    code: "NoSuchKey",
                    message: "The specified key does not exist & never did.",
                    statusCode: 404,
                    requestID: "4442587FB7D0A2F9"
                )
        )
        #expect(error.isNotFound)
    }

    @Test("The query protocol's ErrorResponse wrapper parses the same way")
    func queryXML() {
        let body = ByteBuffer(
            string: "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
                + "</Error><RequestId>req-1</RequestId></ErrorResponse>"
        )
        let error = AWSErrorDecoding.error(status: .badRequest, headers: [:], body: body, format: .xml)
        #expect(error == .service(code: "Throttling", message: "Rate exceeded", statusCode: 400, requestID: "req-1"))
    }

    @Test("A bodiless answer (HEAD) falls back to the status and the request id header")
    func emptyBody() {
        let headers: HTTPHeaders = ["x-amz-request-id": "abc"]
        let error = AWSErrorDecoding.error(status: .forbidden, headers: headers, body: nil, format: .xml)
        #expect(error == .service(code: "Forbidden", message: "Forbidden", statusCode: 403, requestID: "abc"))
    }

    @Test("JSON-protocol errors take the code after '#' and before ':'")
    func json() {
        let body = ByteBuffer(
            string: #"{"__type":"com.amazonaws.secretsmanager#ResourceNotFoundException","message":"No secret"}"#
        )
        let headers: HTTPHeaders = ["x-amzn-RequestId": "r-2"]
        let error = AWSErrorDecoding.error(status: .badRequest, headers: headers, body: body, format: .json)
        #expect(
            error
                == .service(code: "ResourceNotFoundException", message: "No secret", statusCode: 400, requestID: "r-2")
        )
        #expect(AWSErrorDecoding.shortCode("ValidationException:http://internal.amazon.com/") == "ValidationException")
    }

    @Test("Entities and numeric references in XML text are decoded")
    func entities() {
        #expect(
            XMLText.decodeEntities("&lt;a&gt; &quot;b&quot; &apos;c&apos; &#233;&#x4E2D; &bogus; & tail")
                == "<a> \"b\" 'c' é中 &bogus; & tail")
        #expect(XMLText.firstElement("Missing", in: "<Code>x</Code>") == nil)
    }
}

@Suite("Dates")
struct DateTests {
    @Test("x-amz-date and the scope day are UTC, including on a leap day")
    func amzDate() {
        let leapDayEnd = Date(timeIntervalSince1970: 1_709_251_199)  // 2024-02-29T23:59:59Z
        #expect(AMZDate(leapDayEnd).timestamp == "20240229T235959Z")
        #expect(AMZDate(leapDayEnd).day == "20240229")
        #expect(AMZDate(Date(timeIntervalSince1970: 0)).timestamp == "19700101T000000Z")
    }

    @Test("Last-Modified dates parse exactly; malformed ones are nil")
    func httpDate() {
        #expect(HTTPDate.parse("Wed, 12 Oct 2009 17:50:00 GMT") == Date(timeIntervalSince1970: 1_255_369_800))
        #expect(HTTPDate.parse("Thu, 29 Feb 2024 23:59:59 GMT") == Date(timeIntervalSince1970: 1_709_251_199))
        #expect(HTTPDate.parse("2009-10-12T17:50:00Z") == nil)
        #expect(HTTPDate.parse("Wed, 12 Foo 2009 17:50:00 GMT") == nil)
    }

    @Test("Response headers map onto object metadata, with ETag quotes removed")
    func metadataFromHeaders() {
        let headers: HTTPHeaders = [
            "Content-Type": "image/png", "Content-Length": "42", "ETag": "\"d41d8cd98f00b204e9800998ecf8427e\"",
            "Cache-Control": "max-age=60", "Last-Modified": "Wed, 12 Oct 2009 17:50:00 GMT",
            "x-amz-meta-Origin": "upload",
        ]
        let metadata = S3ObjectMetadata(headers: headers)
        #expect(
            metadata
                == S3ObjectMetadata(
                    contentType: "image/png",
                    contentLength: 42,
                    eTag: "d41d8cd98f00b204e9800998ecf8427e",
                    cacheControl: "max-age=60",
                    lastModified: Date(timeIntervalSince1970: 1_255_369_800),
                    metadata: ["origin": "upload"]
                )
        )
    }
}

@Suite("S3 client without a server")
struct S3ClientOfflineTests {
    static let credentials = AWSCredentials(accessKeyID: "test", secretAccessKey: "test")

    static func client(_ configuration: S3Configuration) throws -> S3Client {
        try S3Client(configuration: configuration, credentials: credentials, httpClient: HTTPClient.shared)
    }

    @Test("Keys with spaces, '+', unicode and slashes are encoded once, slashes kept")
    func keyEncodingInURLs() throws {
        let client = try Self.client(
            S3Configuration(
                bucket: "media", region: "us-east-1", endpoint: "http://127.0.0.1:45000", addressingStyle: .path)
        )
        let url = try client.presignedGetURL(key: "photos/summer 2024/naïve café+1.jpg", expiresIn: .seconds(60))
        #expect(
            url.absoluteString.hasPrefix(
                "http://127.0.0.1:45000/media/photos/summer%202024/na%C3%AFve%20caf%C3%A9%2B1.jpg?"))
    }

    @Test("Virtual-hosted addressing puts the bucket in the host; AWS is the default endpoint")
    func virtualHosted() throws {
        let client = try Self.client(S3Configuration(bucket: "media", region: "eu-west-1"))
        let url = try client.presignedGetURL(key: "a.txt", expiresIn: .seconds(60))
        #expect(url.host == "media.s3.eu-west-1.amazonaws.com")
        #expect(url.path == "/a.txt")
        #expect(url.query?.contains("X-Amz-Credential=test%2F") == true)
    }

    @Test("Invalid configurations and arguments are rejected before anything is sent")
    func validation() throws {
        #expect(throws: AWSError.self) {
            try Self.client(S3Configuration(bucket: "Not_A_Host", region: "us-east-1"))
        }
        #expect(throws: AWSError.self) {
            try Self.client(S3Configuration(bucket: "", region: "us-east-1", endpoint: "http://localhost:1"))
        }
        let client = try Self.client(S3Configuration(bucket: "b", region: "us-east-1"))
        #expect(throws: AWSError.self) { try client.presignedGetURL(key: "", expiresIn: .seconds(60)) }
        #expect(throws: AWSError.self) {
            try client.presignedGetURL(key: String(repeating: "k", count: 1025), expiresIn: .seconds(60))
        }
        #expect(throws: AWSError.self) { try client.presignedGetURL(key: "k", expiresIn: .seconds(604_801)) }
    }

    @Test("Metadata that HTTP headers cannot carry is refused without a request")
    func metadataValidation() async throws {
        let client = try Self.client(
            S3Configuration(bucket: "b", region: "us-east-1", endpoint: "http://127.0.0.1:1", addressingStyle: .path)
        )
        await #expect(throws: AWSError.invalidRequest("metadata value for note must be printable ASCII")) {
            try await client.putObject(key: "k", body: [1, 2, 3], metadata: ["note": "naïve"])
        }
        await #expect(throws: AWSError.self) {
            try await client.putObject(key: "k", body: [1, 2, 3], metadata: ["bad name": "x"])
        }
    }
}
