import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Holds a close until the answer already written has reached the socket. Hummingbird closes
/// a connection right after the last part of its final answer when the service shuts down;
/// with a large answer (a batch of megabytes) still queued, that close discarded its tail and
/// the client saw a cut-off 200. Now the close waits for every pending write to complete.
final class FinishWritesBeforeClose: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Answers whose end is written but not yet on the socket. Writes complete in order, so
    /// when the last end is out, so is everything before it: only ends are tracked (one
    /// promise per answer, not one per part).
    private var pending = 0
    private var heldClose: (mode: CloseMode, promise: EventLoopPromise<Void>?)?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
        pending += 1
        let written = promise ?? context.eventLoop.makePromise()
        written.futureResult.assumeIsolated().whenComplete { _ in
            self.pending -= 1
            if self.pending == 0, let held = self.heldClose {
                self.heldClose = nil
                context.close(mode: held.mode, promise: held.promise)
            }
        }
        context.write(data, promise: written)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, pending > 0 else { return context.close(mode: mode, promise: promise) }
        if let held = heldClose {
            // A second close while one is held: it completes with the first.
            if let promise {
                if let first = held.promise { first.futureResult.cascade(to: promise) } else { heldClose?.promise = promise }
            }
            return
        }
        heldClose = (mode, promise)
        context.flush()
    }
}
