import AWSClient
import Testing

@Suite("URI encoding")
struct URIEncodingTests {
    @Test(
        "Only unreserved characters survive; everything else is %XX of its UTF-8 bytes",
        arguments: [
            ("a b", "a%20b"),
            ("a+b", "a%2Bb"),
            ("100%", "100%25"),
            ("A-z_0.9~", "A-z_0.9~"),
            ("!'()*", "%21%27%28%29%2A"),
            ("=&?#", "%3D%26%3F%23"),
            ("ключ", "%D0%BA%D0%BB%D1%8E%D1%87"),
            ("日本", "%E6%97%A5%E6%9C%AC"),
            ("😀", "%F0%9F%98%80"),
        ]
    )
    func encodesBytes(input: String, expected: String) {
        #expect(URIEncoding.encode(input) == expected)
    }

    @Test("Slashes are kept for object paths and encoded for query values")
    func slashHandling() {
        #expect(URIEncoding.encode("photos/a b.jpg", encodeSlash: false) == "photos/a%20b.jpg")
        #expect(URIEncoding.encode("photos/a b.jpg", encodeSlash: true) == "photos%2Fa%20b.jpg")
    }

    @Test("Canonical query sorts by encoded name in byte order, then by value, and keeps empty values")
    func canonicalQueryOrdering() {
        let query = URIEncoding.canonicalQuery([
            (name: "b", value: "2"),
            (name: "a", value: "x y"),
            (name: "a", value: "+"),
            (name: "B", value: ""),
            (name: "list-type", value: "2"),
        ])
        #expect(query == "B=&a=%2B&a=x%20y&b=2&list-type=2")
    }
}
