import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// Something to write (or nothing, for the greeting) and the promise for the reply it provokes.
struct SMTPExchange: Sendable {
    var payload: ByteBuffer?
    var promise: EventLoopPromise<SMTPReply>
}

/// Pairs replies with the exchanges waiting for them.
///
/// SMTP without pipelining answers every command in order, so a FIFO is all the bookkeeping needed.
/// A reply nobody waits for yet (the greeting, when it beats the first read) is kept until claimed.
/// Once the connection fails, every waiting and later exchange fails with the same error.
final class SMTPChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = SMTPReply
    typealias OutboundIn = SMTPExchange
    typealias OutboundOut = ByteBuffer

    private var waiting = CircularBuffer<EventLoopPromise<SMTPReply>>()
    private var unclaimed = CircularBuffer<SMTPReply>()
    private var terminalError: SMTPError?
    /// The first failure, readable off the event loop: a write that never reaches this handler
    /// (the channel already closed) reports the real cause, such as a failed TLS handshake.
    let firstFailure: NIOLockedValueBox<SMTPError?>

    init(firstFailure: NIOLockedValueBox<SMTPError?>) {
        self.firstFailure = firstFailure
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = Self.unwrapOutboundIn(data)
        if let terminalError {
            exchange.promise.fail(terminalError)
            promise?.fail(terminalError)
            return
        }
        if let reply = unclaimed.popFirst() {
            exchange.promise.succeed(reply)
        } else {
            waiting.append(exchange.promise)
        }
        if let payload = exchange.payload {
            context.write(Self.wrapOutboundOut(payload), promise: promise)
        } else {
            promise?.succeed()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = Self.unwrapInboundIn(data)
        if let promise = waiting.popFirst() {
            promise.succeed(reply)
        } else {
            unclaimed.append(reply)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(with: .connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(with: Self.map(error, otherwise: .protocolViolation(String(describing: error))))
        context.close(promise: nil)
    }

    /// TLS failures keep their cause; anything else not already an ``SMTPError`` becomes `fallback`.
    static func map(_ error: any Error, otherwise fallback: SMTPError) -> SMTPError {
        switch error {
        case let error as SMTPError: error
        case let error as NIOSSLError: .tls(String(describing: error))
        case let error as BoringSSLError: .tls(String(describing: error))
        default: fallback
        }
    }

    private func fail(with error: SMTPError) {
        if terminalError == nil {
            terminalError = error
            firstFailure.withLockedValue { if $0 == nil { $0 = error } }
        }
        while let promise = waiting.popFirst() {
            promise.fail(terminalError ?? error)
        }
    }
}
