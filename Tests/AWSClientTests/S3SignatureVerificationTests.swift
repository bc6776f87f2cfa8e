import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import AWSClient

/// Signature checks against a dedicated `moto_server` (MERCATO_TEST_S3_AUTH_ENDPOINT).
///
/// moto does not verify signatures by default. Its `/moto-api/reset-auth` switch makes it check that
/// the access key exists in its IAM and recompute every signature with botocore, which gives an
/// independent check of this signer. The switch is server-wide, so these tests use their own server
/// and run one at a time.
@Suite("S3 signatures verified by moto", .serialized, .enabled(if: TestServices.s3AuthEnabled))
struct S3SignatureVerificationTests {
    static func endpoint() throws -> String {
        try #require(TestServices.s3AuthEndpoint, TestServices.missing("MERCATO_TEST_S3_AUTH_ENDPOINT"))
    }

    /// Posts to one of moto's own control endpoints.
    static func control(_ path: String, body: String) async throws {
        var request = HTTPClientRequest(url: try endpoint() + path)
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.status == .ok, "moto \(path)")
        _ = try await response.body.collect(upTo: 1 << 16)
    }

    /// Calls IAM through the query protocol, which exercises the generic (non-S3) signing rules.
    static func iam(_ parameters: [(name: String, value: String)]) async throws -> String {
        let core = AWSServiceClient(
            httpClient: HTTPClient.shared,
            signer: SigV4Signer(
                credentials: AWSCredentials(accessKeyID: "test", secretAccessKey: "test"),
                region: "us-east-1",
                service: "iam",
                options: .standard
            ),
            errorFormat: .xml
        )
        let form = URIEncoding.canonicalQuery(parameters + [(name: "Version", value: "2010-05-08")])
        let response = try await core.execute(
            AWSHTTPRequest(
                endpoint: try AWSEndpoint(url: try endpoint()),
                method: .POST,
                path: "/",
                headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
                body: ByteBuffer(string: form)
            )
        )
        return String(buffer: response.body)
    }

    /// Creates an IAM user allowed everything on S3 and returns its real credentials.
    static func createS3User() async throws -> AWSCredentials {
        let user = "mercato-" + UUID().uuidString.lowercased().prefix(8)
        _ = try await iam([(name: "Action", value: "CreateUser"), (name: "UserName", value: String(user))])
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
        _ = try await iam([
            (name: "Action", value: "PutUserPolicy"), (name: "UserName", value: String(user)),
            (name: "PolicyName", value: "s3-all"), (name: "PolicyDocument", value: policy),
        ])
        let created = try await iam([
            (name: "Action", value: "CreateAccessKey"), (name: "UserName", value: String(user)),
        ])
        return AWSCredentials(
            accessKeyID: try #require(XMLText.firstElement("AccessKeyId", in: created)),
            secretAccessKey: try #require(XMLText.firstElement("SecretAccessKey", in: created))
        )
    }

    /// Runs `body` with moto enforcing authentication, and always switches it back off.
    static func withAuthentication(_ body: () async throws -> Void) async throws {
        try await control("/moto-api/reset-auth", body: "0")
        do {
            try await body()
        } catch {
            try await control("/moto-api/reset-auth", body: "inf")
            throw error
        }
        try await control("/moto-api/reset-auth", body: "inf")
    }

    static func client(_ credentials: AWSCredentials, bucket: String) throws -> S3Client {
        try S3Client(
            configuration: S3Configuration(
                bucket: bucket, region: "us-east-1", endpoint: try endpoint(), addressingStyle: .path),
            credentials: credentials,
            httpClient: HTTPClient.shared
        )
    }

    @Test("moto accepts this signer's requests, including awkward keys, and rejects a wrong secret")
    func verification() async throws {
        // A run that died inside `withAuthentication` leaves checks on, which would refuse the IAM setup.
        try await Self.control("/moto-api/reset-auth", body: "inf")
        try await Self.control("/moto-api/reset", body: "")
        let credentials = try await Self.createS3User()
        let bucket = "mercato-auth-" + UUID().uuidString.lowercased().prefix(8)
        try await Self.withAuthentication {
            let client = try Self.client(credentials, bucket: String(bucket))
            try await client.createBucket()
            for key in ["plain.txt", "folder/with space/naïve café+1.txt"] {
                try await client.putObject(key: key, body: Array(key.utf8), contentType: "text/plain")
                let object = try #require(try await client.getObject(key: key))
                #expect(object.body == Array(key.utf8))
                try await client.deleteObject(key: key)
            }

            var wrongSecret = credentials
            wrongSecret.secretAccessKey += "x"
            let forged = try Self.client(wrongSecret, bucket: String(bucket))
            let error = await #expect(throws: AWSError.self) {
                try await forged.putObject(key: "forged.txt", body: Array("x".utf8))
            }
            #expect(error?.code == "SignatureDoesNotMatch")
            #expect(error?.statusCode == 403)

            let unknown = try Self.client(
                AWSCredentials(accessKeyID: "AKIAUNKNOWNKEY000000", secretAccessKey: "x"),
                bucket: String(bucket)
            )
            let unknownError = await #expect(throws: AWSError.self) {
                _ = try await unknown.getObject(key: "plain.txt")
            }
            #expect(unknownError?.code == "InvalidAccessKeyId")
            #expect(unknownError?.statusCode == 403)
        }
    }
}
