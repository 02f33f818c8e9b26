import NIOCore
import NIOHTTP1

/// When an HTTP/1.1 connection closes: after it has been idle too long, when the service
/// shuts down (once the answers in progress are written), and never before the answers
/// already written have reached the socket.
///
/// It sees every request and every answer: those handed to Hummingbird as they pass through
/// it, right behind ``RouteFastPath``, and those the fast path answers itself through
/// ``requestReadAhead()`` and ``answeredAhead()``, calls that spare each such request the
/// pipeline's unwrapping of its parts. (Hummingbird's own connection-state handler, further
/// back, sees only the requests handed to Hummingbird; its idle timer is off and the quiesce
/// event stops here.)
///
/// - Idle: closed when no byte of a request has arrived for `idleTimeout` and no answer is
///   being prepared; a request half read counts as idle, so a stalled client is dropped.
/// - Shutdown (`ChannelShouldQuiesceEvent`): closed at once when nothing is in progress,
///   otherwise as soon as the last answer in progress is written.
/// - Any close, whoever asks, waits until the written answers are on the socket: a large
///   answer still queued is not cut off.
final class ConnectionLifetime: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let idleTimeout: TimeAmount?
    // Touched only on the channel's event loop, by methods that do not re-enter one another:
    // the per-request counters skip the run-time exclusivity checks.
    /// Requests whose head has been read and whose answer has not ended.
    @exclusivity(unchecked) private var inProgress = 0
    /// A request's head has been read but not its end.
    @exclusivity(unchecked) private var beingRead = false
    @exclusivity(unchecked) private var lastActive = NIODeadline.now()
    private var idleTask: Scheduled<Void>?
    /// Shutdown asked for a close once the answers in progress are written.
    @exclusivity(unchecked) private var closeWhenAnswered = false
    private var heldClose: (mode: CloseMode, promise: EventLoopPromise<Void>?)?
    /// This handler's context and that of NIO's response encoder, while in the pipeline.
    @exclusivity(unchecked) private var own: ChannelHandlerContext?
    @exclusivity(unchecked) private(set) var socketSide: ChannelHandlerContext?

    init(idleTimeout: TimeAmount?) {
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        own = context
        socketSide = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
        if context.channel.isActive { scheduleIdleCheck(context, at: .now() + (idleTimeout ?? .zero)) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTask?.cancel()
        idleTask = nil
        own = nil
        socketSide = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        lastActive = .now()
        scheduleIdleCheck(context, at: lastActive + (idleTimeout ?? .zero))
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTask?.cancel()
        idleTask = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            inProgress += 1
            beingRead = true
        case .body:
            break
        case .end:
            beingRead = false
        }
        if idleTimeout != nil { lastActive = .now() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
        if case .end = unwrapOutboundIn(data) { answerEnded(context) }
    }

    /// ``RouteFastPath`` has read the head of a request it answers itself.
    func requestReadAhead() {
        inProgress += 1
        beingRead = true
    }

    /// ``RouteFastPath`` has read the end of that request and written its whole answer
    /// straight to the socket side, past this handler.
    func answeredAhead() {
        beingRead = false
        if let own { answerEnded(own) }
    }

    private func answerEnded(_ context: ChannelHandlerContext) {
        // An answer to a request that never parsed (a 400 for malformed HTTP) had no head.
        inProgress = max(0, inProgress - 1)
        guard inProgress == 0 else { return }
        if closeWhenAnswered {
            closeWhenAnswered = false
            close(context: context, mode: .all, promise: nil)
        } else if let idleTimeout {
            lastActive = .now()
            scheduleIdleCheck(context, at: lastActive + idleTimeout)
        }
    }

    /// Holds a full close until everything written so far is on the socket: an empty write,
    /// made on the socket side of the HTTP encoder, completes after all the writes before it.
    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, context.channel.isActive, let socketSide else { return context.close(mode: mode, promise: promise) }
        if let held = heldClose {
            // A second close while one is held: it completes with the first.
            if let promise {
                if let first = held.promise { first.futureResult.cascade(to: promise) } else { heldClose?.promise = promise }
            }
            return
        }
        heldClose = (mode, promise)
        let written = context.eventLoop.makePromise(of: Void.self)
        socketSide.writeAndFlush(NIOAny(IOData.byteBuffer(ByteBuffer())), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in
            guard let held = self.heldClose else { return }
            self.heldClose = nil
            context.close(mode: held.mode, promise: held.promise)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else { return context.fireUserInboundEventTriggered(event) }
        if inProgress == 0 {
            close(context: context, mode: .all, promise: nil)
        } else {
            closeWhenAnswered = true
        }
    }

    private func scheduleIdleCheck(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        guard idleTimeout != nil, idleTask == nil else { return }
        idleTask = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.idleTask = nil
            self.checkIdle(context)
        }
    }

    private func checkIdle(_ context: ChannelHandlerContext) {
        guard let idleTimeout, context.channel.isActive else { return }
        // An answer is being prepared: the check is scheduled again when it ends.
        if !beingRead && inProgress > 0 { return }
        let deadline = lastActive + idleTimeout
        if NIODeadline.now() >= deadline {
            close(context: context, mode: .all, promise: nil)
        } else {
            scheduleIdleCheck(context, at: deadline)
        }
    }
}
