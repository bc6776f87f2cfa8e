import Foundation
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

/// Networks whose proxies may say who the client is (`server.trustedProxies`): the load
/// balancer's and the CDN's. The client address is the socket's peer, unless that peer is
/// trusted: then the rightmost `X-Forwarded-For` hop that isn't itself trusted. A client can put
/// anything in the header, but only hops appended by trusted proxies are ever believed.
///
/// The entry `cloudfront` says the trusted proxies sit behind CloudFront and take traffic from
/// nothing else (the AWS stacks: the load balancer admits only CloudFront's origin-facing prefix
/// list carrying the origin-verify header). The hop they append is then a CloudFront server, and
/// the one before it is the viewer address CloudFront saw, so that is the client. Trusting the
/// position rather than a copy of CloudFront's address ranges never goes stale when AWS adds one.
struct TrustedProxies: Sendable, Equatable {
    /// One network: an address and how many leading bits must match.
    struct Network: Sendable, Equatable {
        var bytes: [UInt8]
        var prefixLength: Int

        /// `10.0.0.0/8`, `2001:db8::/32`, or a single address.
        init?(_ text: some StringProtocol) {
            let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1)
            guard let first = parts.first, let bytes = TrustedProxies.bytes(of: String(first)) else { return nil }
            let length = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
            guard let length, (0...bytes.count * 8) ~= length else { return nil }
            self.bytes = bytes
            self.prefixLength = length
        }

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefixLength
            for (mine, theirs) in zip(bytes, address) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if mine & mask != theirs & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    var networks: [Network]
    /// Whether the trusted proxies take traffic only from CloudFront (the entry `cloudfront`).
    var behindCloudFront = false

    /// Parses a comma-separated list of networks and `cloudfront`; a failure names the first entry
    /// that is neither.
    static func parse(_ text: String) -> Result<TrustedProxies, ParseFailure> {
        var proxies = TrustedProxies(networks: [])
        for entry in text.split(separator: ",") {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.lowercased() == "cloudfront" {
                proxies.behindCloudFront = true
            } else if let network = Network(trimmed) {
                proxies.networks.append(network)
            } else {
                return .failure(ParseFailure(entry: trimmed))
            }
        }
        return .success(proxies)
    }

    struct ParseFailure: Error {
        var entry: String
    }

    func trusts(_ address: String) -> Bool {
        guard let bytes = Self.bytes(of: address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The client's address for a request from `peer` carrying `forwardedFor` hops (left to right).
    /// A request without a peer came from inside the process (the in-process transport of tests
    /// and tools), which is as trusted as a proxy of ours.
    func clientAddress(peer: String?, forwardedFor: [String]) -> String {
        if let peer, !trusts(peer) { return peer }
        var believed = peer ?? "unknown"
        var cloudFrontHop = behindCloudFront
        for hop in forwardedFor.reversed() {
            let address = hop.trimmingCharacters(in: .whitespaces)
            // Not an address: the client wrote it; the last hop a trusted proxy wrote stands.
            guard Self.bytes(of: address) != nil else { return believed }
            believed = address
            if !trusts(address) {
                // The CloudFront server our proxy saw; the hop before it is CloudFront's viewer.
                guard cloudFrontHop else { return address }
                cloudFrontHop = false
            }
        }
        return believed
    }

    /// The address's bytes (4 for IPv4, 16 for IPv6), or nil for anything else.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

extension Request {
    /// Who sent this request, as far as the trusted proxies vouch (see `TrustedProxies`).
    var clientAddress: String {
        let hops = headers[.xForwardedFor].flatMap { $0.split(separator: ",").map(String.init) }
        return application.settings.server.trustedProxies.clientAddress(
            peer: remoteAddress?.ipAddress, forwardedFor: hops)
    }
}
