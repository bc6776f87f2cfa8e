import NIOCore

/// One write's worth of commands and the promise for their replies.
struct RedisRequest: Sendable {
    /// The already-encoded commands.
    var payload: ByteBuffer
    /// How many replies complete this request (one per command).
    var replyCount: Int
    var timeout: TimeAmount?
    var promise: EventLoopPromise<[RESPValue]>
}

/// Matches replies to requests.
///
/// Redis answers strictly in order on a connection, so a FIFO of outstanding requests is all the
/// bookkeeping needed. Any failure that could desynchronise that order (a timeout, a protocol
/// error, a reply nobody asked for) closes the connection and fails every outstanding request.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private struct Outstanding {
        let id: UInt64
        let expected: Int
        var replies: [RESPValue]
        let promise: EventLoopPromise<[RESPValue]>
        var timer: Scheduled<Void>?
    }

    private var outstanding = CircularBuffer<Outstanding>()
    private var nextID: UInt64 = 0
    /// Set once the connection is unusable, so requests written afterwards fail at once instead
    /// of waiting for replies that will never come.
    private var terminalError: RedisError?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = Self.unwrapOutboundIn(data)
        if let terminalError {
            request.promise.fail(terminalError)
            promise?.fail(terminalError)
            return
        }
        let id = nextID
        nextID &+= 1
        var entry = Outstanding(
            id: id,
            expected: request.replyCount,
            replies: [],
            promise: request.promise,
            timer: nil
        )
        entry.replies.reserveCapacity(request.replyCount)
        if let timeout = request.timeout {
            entry.timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                self.timeOut(id: id, context: context)
            }
        }
        outstanding.append(entry)

        let writePromise = context.eventLoop.makePromise(of: Void.self)
        writePromise.futureResult.assumeIsolated().whenComplete { result in
            if case .failure = result {
                self.fail(with: .connectionClosed, context: context)
            }
            promise?.completeWith(result)
        }
        context.write(Self.wrapOutboundOut(request.payload), promise: writePromise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let value = Self.unwrapInboundIn(data)
        guard !outstanding.isEmpty else {
            fail(with: .protocolError("reply \(value) arrived with no command outstanding"), context: context)
            return
        }
        let head = outstanding.startIndex
        outstanding[head].replies.append(value)
        guard outstanding[head].replies.count == outstanding[head].expected else { return }
        let finished = outstanding.removeFirst()
        finished.timer?.cancel()
        finished.promise.succeed(finished.replies)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(with: .connectionClosed, context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Decoder errors arrive already typed; anything else is the socket failing under us.
        fail(with: (error as? RedisError) ?? .connectionClosed, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(with: .connectionClosed, context: context)
    }

    private func timeOut(id: UInt64, context: ChannelHandlerContext) {
        guard outstanding.contains(where: { $0.id == id }) else { return }
        fail(with: .connectionClosed, timedOutID: id, context: context)
    }

    /// Closes the connection and fails everything outstanding. The channel is closed before the
    /// promises fail so that a caller woken by the failure already sees the connection as dead
    /// and the pool never hands it out again.
    private func fail(with error: RedisError, timedOutID: UInt64? = nil, context: ChannelHandlerContext) {
        if terminalError == nil { terminalError = error }
        let failed = outstanding
        outstanding.removeAll()
        context.close(promise: nil)
        for entry in failed {
            entry.timer?.cancel()
            entry.promise.fail(entry.id == timedOutID ? RedisError.commandTimeout : error)
        }
    }
}
