import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 listener on loopback that records every request exactly as it arrived and
/// answers from a script: how the tests see what a ``StripeClient`` puts on the wire, and how they
/// produce failures Stripe will not produce on demand (a dropped connection, a 503). The AWS client
/// tests use it to play the ECS credentials endpoint and the EC2 instance metadata service.
public final class RecordingHTTPServer: Sendable {
    /// A request as received.
    public struct Request: Sendable {
        public var method: HTTPMethod
        public var uri: String
        public var headers: HTTPHeaders
        public var body: String
    }

    /// What to do with one request.
    public enum Reply: Sendable {
        case respond(status: HTTPResponseStatus, headers: [(String, String)] = [], body: String)
        /// Close the connection without answering, as a crashed proxy or a reset would.
        case dropConnection
        /// Keep the connection open and never answer, as a hung server would.
        case silence
    }

    private let channel: any Channel
    private let log: NIOLockedValueBox<[Request]>
    public let port: Int

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Everything received so far, in arrival order.
    public var requests: [Request] { log.withLockedValue { $0 } }

    /// Starts listening; `script` is given each request and its zero-based arrival index.
    public init(script: @escaping @Sendable (Request, Int) -> Reply) async throws {
        let log = NIOLockedValueBox<[Request]>([])
        self.log = log
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    try child.pipeline.syncOperations.addHandler(Handler(log: log, script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        port = channel.localAddress?.port ?? 0
    }

    public func stop() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let log: NIOLockedValueBox<[Request]>
        let script: @Sendable (Request, Int) -> Reply
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(log: NIOLockedValueBox<[Request]>, script: @escaping @Sendable (Request, Int) -> Reply) {
            self.log = log
            self.script = script
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch Self.unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                let request = Request(
                    method: head.method, uri: head.uri, headers: head.headers,
                    body: String(decoding: body.readableBytesView, as: UTF8.self))
                let index = log.withLockedValue { log in
                    log.append(request)
                    return log.count - 1
                }
                switch script(request, index) {
                case .dropConnection:
                    context.close(promise: nil)
                case .silence:
                    break
                case .respond(let status, let extraHeaders, let text):
                    var headers = HTTPHeaders(extraHeaders)
                    headers.add(name: "Content-Type", value: "application/json")
                    headers.add(name: "Content-Length", value: String(text.utf8.count))
                    let responseHead = HTTPResponseHead(version: head.version, status: status, headers: headers)
                    context.write(Self.wrapOutboundOut(.head(responseHead)), promise: nil)
                    context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                    context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
                }
                self.head = nil
            }
        }
    }
}

/// Runs `body` against a scripted server and always stops the server afterwards.
public func withRecordingServer(
    script: @escaping @Sendable (RecordingHTTPServer.Request, Int) -> RecordingHTTPServer.Reply,
    _ body: (RecordingHTTPServer) async throws -> Void
) async throws {
    let server = try await RecordingHTTPServer(script: script)
    do {
        try await body(server)
        await server.stop()
    } catch {
        await server.stop()
        throw error
    }
}
