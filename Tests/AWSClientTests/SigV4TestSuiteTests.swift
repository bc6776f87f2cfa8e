import AWSClient
import Foundation
import NIOHTTP1
import Testing

/// Cases from AWS's published SigV4 test suite ("aws-sig-v4-test-suite"): credentials AKIDEXAMPLE,
/// region us-east-1, service "service", signed at 2015-08-30T12:36:00Z. Expected values are AWS's.
@Suite("SigV4 test suite vectors")
struct SigV4TestSuiteTests {
    static let date = Date(timeIntervalSince1970: 1_440_938_160)
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )
    static let signer = SigV4Signer(
        credentials: credentials, region: "us-east-1", service: "service", options: .standard)
    static let scope = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"

    static func request(
        _ method: HTTPMethod = .GET,
        path: String = "/",
        query: [(name: String, value: String)] = [],
        headers extra: [(String, String)] = [],
        body: String = ""
    ) -> SigV4Request {
        var headers: HTTPHeaders = ["Host": "example.amazonaws.com"]
        headers.add(contentsOf: extra)
        return SigV4Request(
            method: method,
            path: path,
            query: query,
            headers: headers,
            payloadHash: SigV4Signer.hexSHA256(Array(body.utf8))
        )
    }

    @Test("get-vanilla: canonical request, string to sign and Authorization header")
    func getVanilla() {
        let signed = Self.signer.sign(Self.request(), at: Self.date)
        #expect(
            signed.canonicalRequest.text == """
                GET
                /

                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                host;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """
        )
        #expect(
            signed.stringToSign == """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/service/aws4_request
                bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63
                """
        )
        #expect(
            signed.authorization
                == "AWS4-HMAC-SHA256 Credential=\(Self.scope), SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        )
        #expect(signed.headers.first(name: "X-Amz-Date") == "20150830T123600Z")
        #expect(signed.headers.first(name: "Authorization") == signed.authorization)
        // The generic rules do not add S3's payload hash header.
        #expect(!signed.headers.contains(name: "x-amz-content-sha256"))
    }

    @Test("get-vanilla-query-order-key-case: query parameters are sorted by name")
    func getVanillaQueryOrderKeyCase() {
        let signed = Self.signer.sign(
            Self.request(query: [(name: "Param2", value: "value2"), (name: "Param1", value: "value1")]),
            at: Self.date
        )
        #expect(
            signed.canonicalRequest.text.split(separator: "\n", omittingEmptySubsequences: false)[2]
                == "Param1=value1&Param2=value2")
        #expect(signed.canonicalRequest.hash == "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0")
        #expect(signed.signature == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
    }

    @Test("post-x-www-form-urlencoded: content-type is signed and the body hash ends the canonical request")
    func postFormURLEncoded() {
        let signed = Self.signer.sign(
            Self.request(
                .POST, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "Param1=value1"),
            at: Self.date
        )
        #expect(
            signed.canonicalRequest.text == """
                POST
                /

                content-type:application/x-www-form-urlencoded
                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                content-type;host;x-amz-date
                9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
                """
        )
        #expect(signed.stringToSign.hasSuffix("\n42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281"))
        #expect(
            signed.authorization
                == "AWS4-HMAC-SHA256 Credential=\(Self.scope), SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
        )
    }

    @Test("get-header-value-trim: values are trimmed and inner runs of spaces collapse, even inside quotes")
    func getHeaderValueTrim() {
        let signed = Self.signer.sign(
            Self.request(headers: [("My-Header1", " value1"), ("My-Header2", "\"a   b   c\"")]),
            at: Self.date
        )
        #expect(signed.canonicalRequest.text.contains("\nmy-header1:value1\nmy-header2:\"a b c\"\n"))
        #expect(signed.canonicalRequest.signedHeaders == "host;my-header1;my-header2;x-amz-date")
        #expect(signed.signature == "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736")
    }

    @Test("get-header-key-duplicate: repeated headers are joined with commas in the order given")
    func getHeaderKeyDuplicate() {
        let signed = Self.signer.sign(
            Self.request(headers: [("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")]),
            at: Self.date
        )
        #expect(signed.canonicalRequest.text.contains("\nmy-header1:value2,value2,value1\n"))
        #expect(signed.signature == "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea")
    }

    @Test("get-vanilla-utf8-query: a non-ASCII query name is percent-encoded as UTF-8 with uppercase hex")
    func getVanillaUTF8Query() {
        let signed = Self.signer.sign(Self.request(query: [(name: "\u{1234}", value: "bar")]), at: Self.date)
        #expect(signed.canonicalRequest.text.contains("\n%E1%88%B4=bar\n"))
        #expect(signed.signature == "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04")
    }

    @Test("get-unreserved: unreserved characters pass through the path unencoded")
    func getUnreserved() {
        let path = "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        let signed = Self.signer.sign(Self.request(path: path), at: Self.date)
        #expect(signed.canonicalRequest.text.hasPrefix("GET\n\(path)\n"))
        #expect(signed.signature == "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f")
    }

    @Test("normalize-path/get-slashes: non-S3 services sign the path with empty segments removed")
    func getSlashes() {
        let signed = Self.signer.sign(Self.request(path: "//example//"), at: Self.date)
        #expect(signed.canonicalRequest.text.hasPrefix("GET\n/example/\n"))
        #expect(signed.signature == "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84")
    }

    @Test("post-sts-header-before: a session token is sent and signed as x-amz-security-token")
    func postSTSHeaderBefore() {
        let token = [
            "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeo",
            "IYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5V",
            "SXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yj",
            "c8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==",
        ].joined()
        var credentials = Self.credentials
        credentials.sessionToken = token
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service", options: .standard)
        let signed = signer.sign(Self.request(.POST), at: Self.date)
        #expect(signed.headers.first(name: "X-Amz-Security-Token") == token)
        #expect(signed.canonicalRequest.signedHeaders == "host;x-amz-date;x-amz-security-token")
        #expect(signed.stringToSign.hasSuffix("\nc237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6"))
        #expect(signed.signature == "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead")
    }

    @Test("Non-S3 services sign the sent path percent-encoded a second time")
    func doubleEncodesPathForNonS3() {
        let generic = Self.signer.sign(Self.request(path: "/example%20space/"), at: Self.date)
        #expect(generic.canonicalRequest.text.hasPrefix("GET\n/example%2520space/\n"))
        var s3Signer = Self.signer
        s3Signer.options = .s3
        let s3 = s3Signer.sign(Self.request(path: "/example%20space/"), at: Self.date)
        #expect(s3.canonicalRequest.text.hasPrefix("GET\n/example%20space/\n"))
    }

    @Test("Payload hashes agree whether or not the bytes are contiguous")
    func payloadHash() {
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(SigV4Signer.hexSHA256(Array("abc".utf8)) == expected)
        #expect(SigV4Signer.hexSHA256(AnySequence("abc".utf8)) == expected)
        #expect(SigV4Signer.hexSHA256([UInt8]()) == SigV4Signer.emptyPayloadHash)
    }

    @Test("Signing twice replaces, rather than duplicates, the headers the signer owns")
    func resigningIsIdempotent() {
        let once = Self.signer.sign(Self.request(), at: Self.date)
        var request = Self.request()
        request.headers = once.headers
        let twice = Self.signer.sign(request, at: Self.date)
        #expect(twice.headers["authorization"].count == 1)
        #expect(twice.headers["x-amz-date"].count == 1)
        #expect(twice.signature == once.signature)
    }
}
