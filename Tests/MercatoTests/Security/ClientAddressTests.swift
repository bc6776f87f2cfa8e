import Testing

@testable import Mercato

/// The client address a throttle counts: only `X-Forwarded-For` hops that trusted proxies appended.
struct ClientAddressTests {
    static let proxies = try! TrustedProxies.parse("10.40.0.0/16, 2001:db8::/32").get()

    @Test func anUntrustedPeerIsTheClientWhateverItSays() {
        #expect(Self.proxies.clientAddress(peer: "198.51.100.7", forwardedFor: ["1.2.3.4"]) == "198.51.100.7")
        #expect(Self.proxies.clientAddress(peer: "198.51.100.7", forwardedFor: ["garbage"]) == "198.51.100.7")
    }

    @Test func behindTheBalancerTheHopItAppendedIsTheClient() {
        // setup: the client forged two hops; the balancer (10.40.1.5) appended what it saw
        let hops = ["6.6.6.6", "garbage", "203.0.113.9"]
        // MUT + validate
        #expect(Self.proxies.clientAddress(peer: "10.40.1.5", forwardedFor: hops) == "203.0.113.9")
        #expect(Self.proxies.clientAddress(peer: "10.40.1.5", forwardedFor: ["garbage"]) == "10.40.1.5")
        #expect(
            Self.proxies.clientAddress(peer: "10.40.1.5", forwardedFor: ["203.0.113.9", "10.40.2.2"]) == "203.0.113.9")
        #expect(Self.proxies.clientAddress(peer: "2001:db8::1", forwardedFor: ["2001:db9::5"]) == "2001:db9::5")
    }

    @Test func noTrustedProxiesMeansTheSocketAlone() throws {
        let none = try TrustedProxies.parse("").get()
        #expect(none.clientAddress(peer: "10.40.1.5", forwardedFor: ["203.0.113.9"]) == "10.40.1.5")
    }

    @Test func aBadEntryIsNamed() {
        guard case .failure(let failure) = TrustedProxies.parse("10.0.0.0/8, 10.0.0.0/33") else {
            Issue.record("a /33 network must be refused")
            return
        }
        #expect(failure.entry.contains("/33"))
        #expect(Self.proxies.trusts("10.40.255.255") && !Self.proxies.trusts("10.41.0.1"))
    }

    @Test func behindCloudFrontTheViewerIsTheClientNotTheEdge() throws {
        // setup: a forged hop, the viewer CloudFront saw, the CloudFront server the balancer saw
        let proxies = try TrustedProxies.parse("10.40.0.0/16, CloudFront").get()
        let hops = ["6.6.6.6", "203.0.113.9", "130.176.1.20"]
        // act / verify: two viewers behind one edge are two clients
        #expect(proxies.clientAddress(peer: "10.40.1.5", forwardedFor: hops) == "203.0.113.9")
        #expect(
            proxies.clientAddress(peer: "10.40.1.5", forwardedFor: ["198.51.100.4", "130.176.1.20"]) == "198.51.100.4")
        // a hop CloudFront did not write is never believed past; without one the edge stands
        #expect(proxies.clientAddress(peer: "10.40.1.5", forwardedFor: ["garbage", "130.176.1.20"]) == "130.176.1.20")
        #expect(proxies.clientAddress(peer: "10.40.1.5", forwardedFor: ["130.176.1.20"]) == "130.176.1.20")
        // from outside the trusted network nothing in the header counts
        #expect(proxies.clientAddress(peer: "130.176.1.20", forwardedFor: ["203.0.113.9"]) == "130.176.1.20")
        // an internal caller (the storefront to the API) without hops is itself
        #expect(proxies.clientAddress(peer: "10.40.7.7", forwardedFor: []) == "10.40.7.7")
    }

    @Test func stagingAndProductionCountViewersBehindCloudFront() throws {
        for environment in [AppEnvironment.staging, .production] {
            // act: the environment's file as the stacks load it (TRUSTED_PROXIES unset)
            let variables = TestSupport.deployedVariables.merging(["DB_PASSWORD": "s3cret"]) { _, new in new }
            let proxies = try TestSupport.settings(environment, variables: variables).server.trustedProxies
            // verify
            #expect(proxies.behindCloudFront, "\(environment)")
            #expect(
                proxies.clientAddress(peer: "10.40.1.5", forwardedFor: ["203.0.113.9", "130.176.1.20"]) == "203.0.113.9"
            )
        }
    }
}
