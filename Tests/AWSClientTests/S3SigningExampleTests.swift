import AWSClient
import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing

/// The worked examples in the S3 API reference ("Signature Calculations for the Authorization Header"
/// and "Authenticating Requests: Using Query Parameters"): credentials AKIAIOSFODNN7EXAMPLE, bucket
/// examplebucket, region us-east-1, signed at 2013-05-24T00:00:00Z. Expected values are AWS's.
@Suite("S3 documentation signing examples")
struct S3SigningExampleTests {
    static let date = Date(timeIntervalSince1970: 1_369_353_600)
    static let credentials = AWSCredentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    )
    static let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3", options: .s3)
    static let host = "examplebucket.s3.amazonaws.com"

    @Test("GET Object with a Range header")
    func getObjectWithRange() {
        let request = SigV4Request(
            method: .GET,
            path: "/test.txt",
            headers: ["Host": Self.host, "Range": "bytes=0-9"],
            payloadHash: SigV4Signer.emptyPayloadHash
        )
        let signed = Self.signer.sign(request, at: Self.date)
        #expect(
            signed.canonicalRequest.text == """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """
        )
        #expect(
            signed.stringToSign == """
                AWS4-HMAC-SHA256
                20130524T000000Z
                20130524/us-east-1/s3/aws4_request
                7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
                """
        )
        #expect(signed.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(
            signed.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
        #expect(signed.headers.first(name: "x-amz-content-sha256") == SigV4Signer.emptyPayloadHash)
    }

    @Test("PUT Object: a key with '$' is encoded once and the body hash is signed")
    func putObject() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let payloadHash = SigV4Signer.hexSHA256(body)
        #expect(payloadHash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let request = SigV4Request(
            method: .PUT,
            path: "/" + URIEncoding.encode("test$file.text", encodeSlash: false),
            headers: [
                "Host": Self.host, "Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY",
            ],
            payloadHash: payloadHash
        )
        let signed = Self.signer.sign(request, at: Self.date)
        #expect(
            signed.canonicalRequest.text == """
                PUT
                /test%24file.text

                date:Fri, 24 May 2013 00:00:00 GMT
                host:examplebucket.s3.amazonaws.com
                x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072
                x-amz-date:20130524T000000Z
                x-amz-storage-class:REDUCED_REDUNDANCY

                date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class
                44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072
                """
        )
        #expect(signed.stringToSign.hasSuffix("\n9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d"))
        #expect(signed.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test("GET Bucket (list objects) with query parameters")
    func listObjects() {
        let request = SigV4Request(
            method: .GET,
            path: "/",
            query: [(name: "prefix", value: "J"), (name: "max-keys", value: "2")],
            headers: ["Host": Self.host],
            payloadHash: SigV4Signer.emptyPayloadHash
        )
        let signed = Self.signer.sign(request, at: Self.date)
        #expect(signed.canonicalRequest.text.hasPrefix("GET\n/\nmax-keys=2&prefix=J\n"))
        #expect(signed.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test("Presigned GET URL valid for 86400 seconds")
    func presignedURL() throws {
        let request = SigV4Request(
            method: .GET,
            path: "/test.txt",
            headers: ["Host": Self.host],
            payloadHash: SigV4Signer.unsignedPayload
        )
        let presigned = try Self.signer.presign(request, expiresIn: 86_400, at: Self.date)
        #expect(
            presigned.canonicalRequest.text == """
                GET
                /test.txt
                X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3\
                %2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host
                host:examplebucket.s3.amazonaws.com

                host
                UNSIGNED-PAYLOAD
                """
        )
        #expect(presigned.stringToSign.hasSuffix("\n3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04"))
        #expect(presigned.signature == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test("S3Client.presignedGetURL reproduces the documented URL byte for byte")
    func clientPresignedURL() throws {
        let client = try S3Client(
            configuration: S3Configuration(
                bucket: "examplebucket",
                region: "us-east-1",
                endpoint: "https://s3.amazonaws.com",
                addressingStyle: .virtualHosted
            ),
            credentials: Self.credentials,
            httpClient: HTTPClient.shared
        )
        let url = try client.presignedGetURL(key: "test.txt", expiresIn: .seconds(86_400), signedAt: Self.date)
        #expect(
            url.absoluteString
                == "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        )
    }

    @Test("Presigning rejects expiries AWS would refuse", arguments: [0, -1, 604_801])
    func presignRejectsBadExpiry(seconds: Int) {
        let request = SigV4Request(
            method: .GET,
            path: "/test.txt",
            headers: ["Host": Self.host],
            payloadHash: SigV4Signer.unsignedPayload
        )
        #expect(throws: AWSError.self) {
            try Self.signer.presign(request, expiresIn: seconds, at: Self.date)
        }
    }

    @Test("A session token is part of a presigned URL's signed query")
    func presignWithSessionToken() throws {
        var credentials = Self.credentials
        credentials.sessionToken = "token/with+chars"
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3", options: .s3)
        let request = SigV4Request(
            method: .GET,
            path: "/test.txt",
            headers: ["Host": Self.host],
            payloadHash: SigV4Signer.unsignedPayload
        )
        let presigned = try signer.presign(request, expiresIn: 60, at: Self.date)
        #expect(presigned.canonicalRequest.text.contains("&X-Amz-Security-Token=token%2Fwith%2Bchars"))
        #expect(presigned.queryString.contains("X-Amz-Security-Token=token%2Fwith%2Bchars"))
        #expect(presigned.queryString.hasSuffix("&X-Amz-Signature=\(presigned.signature)"))
    }
}
