import NIOCore
import NIOSSL
import NIOTLS

/// How a connection encrypts its traffic: TLS with the server's certificate always verified.
///
/// There is deliberately no switch to skip verification: an unverified TLS connection would send
/// the `AUTH` password to whoever answers. Managed services such as ElastiCache present
/// certificates from public CAs, which the system trust store already holds; a self-hosted server
/// with a private CA needs ``caFile``.
public struct RedisTLSConfiguration: Sendable, Hashable {
    /// A PEM file holding the CA certificates to trust instead of the system's; `nil` trusts the
    /// system trust store.
    public var caFile: String?
    /// The name the certificate must carry, when it differs from the host connected to (e.g.
    /// connecting by IP address to a server whose certificate names its DNS name). `nil` checks
    /// the host itself: a DNS name (also sent as SNI), or an IP address against the certificate's
    /// IP entries.
    public var serverName: String?

    /// TLS that trusts `caFile` (or the system trust store) and checks the certificate names
    /// `serverName` (or the host connected to).
    public init(caFile: String? = nil, serverName: String? = nil) {
        self.caFile = caFile
        self.serverName = serverName
    }

    /// The NIOSSL context for these settings; built per connection because connections are few and
    /// long-lived, so caching it would save nothing measurable.
    func makeContext() throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let caFile {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                throw RedisError.invalidConfiguration("CA file \(caFile) cannot be read as PEM certificates: \(error)")
            }
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw RedisError.invalidConfiguration("TLS settings are unusable: \(error)")
        }
    }

    /// The TLS handler for a connection to `host`, plus the handler that reports the handshake's
    /// outcome, in pipeline order.
    func makeHandlers(context: NIOSSLContext, host: String, handshake: EventLoopPromise<Void>) throws
        -> [any ChannelHandler]
    {
        let name = serverName ?? host
        // SNI may not carry an IP address; without a name NIOSSL checks the peer's IP instead.
        let hostname = name.isIPAddress ? nil : name
        let client: NIOSSLClientHandler
        do {
            client = try NIOSSLClientHandler(context: context, serverHostname: hostname)
        } catch {
            throw RedisError.invalidConfiguration("TLS server name \(name) is unusable: \(error)")
        }
        return [client, TLSHandshakeObserver(promise: handshake)]
    }
}

/// Reports the end of the TLS handshake, so `connect` can fail with a clear certificate error
/// rather than with a closed connection at the first command.
final class TLSHandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    private let promise: EventLoopPromise<Void>

    init(promise: EventLoopPromise<Void>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event { promise.succeed() }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(RedisError.tlsHandshakeFailed("\(error)"))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(RedisError.tlsHandshakeFailed("the server closed the connection during the handshake"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        promise.fail(RedisError.connectionClosed)
    }
}

extension String {
    /// Whether this is an IPv4 or IPv6 literal rather than a DNS name.
    var isIPAddress: Bool {
        (try? SocketAddress(ipAddress: self, port: 0)) != nil
    }
}
