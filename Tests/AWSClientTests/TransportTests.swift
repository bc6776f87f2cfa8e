import AWSClient
import AsyncHTTPClient
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A loopback TCP socket that listens but never accepts: the kernel completes connections into its
/// backlog, so a client can send a request that will never be answered.
final class SilentListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        #if canImport(Glibc)
            let streamType = Int32(SOCK_STREAM.rawValue)
        #else
            let streamType = SOCK_STREAM
        #endif
        let descriptor = socket(AF_INET, streamType, 0)
        try #require(descriptor >= 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0)
        try #require(listen(descriptor, 16) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        try #require(named == 0)
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(descriptor)
    }
}

@Suite("Transport failures")
struct TransportTests {
    static func client(endpoint: String, timeout: Duration) throws -> S3Client {
        try S3Client(
            configuration: S3Configuration(
                bucket: "bucket",
                region: "us-east-1",
                endpoint: endpoint,
                addressingStyle: .path,
                timeout: timeout
            ),
            credentials: AWSCredentials(accessKeyID: "test", secretAccessKey: "test"),
            httpClient: HTTPClient.shared
        )
    }

    @Test("A server that never answers produces .timeout once the configured timeout elapses")
    func timeout() async throws {
        let listener = try SilentListener()
        let client = try Self.client(endpoint: "http://127.0.0.1:\(listener.port)", timeout: .milliseconds(300))
        let started = ContinuousClock.now
        await #expect(throws: AWSError.timeout) {
            _ = try await client.getObject(key: "never-answered")
        }
        // The retries and their backoff take a few seconds idle; the bound leaves room for a machine
        // running every suite at once while still failing a client that would wait forever.
        #expect(ContinuousClock.now - started < .seconds(30))
        withExtendedLifetime(listener) {}
    }

    @Test("A refused connection is a transport error, not a service error")
    func connectionRefused() async throws {
        // Port 1 on loopback has no listener in any sane test environment.
        let client = try Self.client(endpoint: "http://127.0.0.1:1", timeout: .seconds(1))
        let error = await #expect(throws: AWSError.self) {
            _ = try await client.headObject(key: "k")
        }
        guard case .transport = error else {
            Issue.record("expected .transport, got \(String(describing: error))")
            return
        }
        #expect(error?.statusCode == nil)
    }
}
